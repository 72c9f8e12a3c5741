;; Three times: sleep 10 ms, then log "tick"; returns 3.
(module
  (import "pw_time" "sleep_us" (func $sleep (param i64) (result i32)))
  (import "pw_log" "write" (func $log (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "tick")
  (func (export "pw_main") (result i32) (local $i i32)
    (loop $l
      (drop (call $sleep (i64.const 10000)))
      (drop (call $log (i32.const 2) (i32.const 16) (i32.const 4)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 3))))
    (local.get $i)))
