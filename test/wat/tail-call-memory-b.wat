;; tail_call_test.cpp
(module
  (import "a" "load_at" (func $load_at (param i32) (result i32)))
  (memory 1)
  (data (i32.const 8) "\e8\03\00\00")
  (func $tail (param i32) (result i32) (return_call $load_at (local.get 0)))
  (func (export "go") (result i32)
    (i32.add (call $tail (i32.const 8)) (i32.load (i32.const 8)))))
