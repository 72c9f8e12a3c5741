;; A start function that calls the host, then traps (instance_test.c).
(module
  (import "env" "tick" (func $tick (param i32) (result i32)))
  (func $start (drop (call $tick (i32.const 1))) unreachable)
  (start $start))
