;; tail_call_test.cpp: runs when tail calls are compiled out
(module (func $f (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func (export "g") (result i32) (call $f (i32.const 41))))
