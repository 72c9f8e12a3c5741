;; Sleeps 15 ms, then traps.
(module
  (import "pw_time" "sleep_us" (func $sleep (param i64) (result i32)))
  (func (export "pw_main") (result i32)
    (drop (call $sleep (i64.const 15000)))
    unreachable))
