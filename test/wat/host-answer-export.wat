;; embed_host_function_test.cpp
(module
  (import "env" "answer" (func $answer (param i32) (result i32)))
  (export "answer" (func $answer)))
