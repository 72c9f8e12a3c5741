;; start_function_test.cpp
(module
  (import "env" "boom" (func $boom (result i32)))
  (func $s (drop (call $boom)))
  (start $s)
  (func (export "n") (result i32) (i32.const 1)))
