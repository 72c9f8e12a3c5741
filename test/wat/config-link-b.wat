;; embed_config_test.cpp
(module
  (import "a" "inc" (func $inc (result i32)))
  (import "a" "mem" (memory 1))
  (import "a" "counter" (global $c (mut i32)))
  (func (export "go") (result i32)
    (i32.store (i32.const 100) (call $inc))
    (i32.add (i32.load (i32.const 100)) (global.get $c))))
