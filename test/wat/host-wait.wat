;; embed_host_function_test.cpp
(module
  (import "env" "wait" (func $wait (param i32) (result i32)))
  (func (export "f") (result i32) (i32.add (call $wait (i32.const 0)) (i32.const 1000)))
  (func (export "g") (result i32) (call $wait (i32.const 1))))
