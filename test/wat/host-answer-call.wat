;; embed_host_function_test.cpp
(module
  (import "env" "answer" (func $answer (param i32) (result i32)))
  (func (export "f") (param i32) (result i32) (call $answer (local.get 0))))
