;; start_function_test.cpp
(module
  (import "env" "tick" (func $tick (param i32) (result i32)))
  (global $seen (mut i32) (i32.const 0))
  (func $s (global.set $seen (call $tick (i32.const 2))) (drop (call $tick (i32.const 3))))
  (start $s)
  (func (export "n") (result i32) (global.get $seen)))
