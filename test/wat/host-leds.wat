;; embed_host_function_test.cpp
(module
  (import "led" "red" (func $red (param i32) (result i32)))
  (import "led" "green" (func $green (param i32) (result i32)))
  (func (export "f") (result i32)
    (i32.add (i32.mul (call $red (i32.const 100)) (i32.const 1000)) (call $green (i32.const 0)))))
