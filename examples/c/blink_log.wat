;; blink.wat plus a log line per change: the module passes (pointer, length) of text in its own
;; memory, and the host reads it only through the bounds-checked pw_host_memory().
(module
  (import "env" "gpio_write" (func $gpio_write (param $pin i32) (param $level i32)))
  (import "env" "delay_ms" (func $delay_ms (param $ms i32)))
  (import "env" "log" (func $log (param $ptr i32) (param $len i32)))
  (memory 1)
  (data (i32.const 0) "LED off")
  (data (i32.const 8) "LED on")

  (func (export "run") (param $times i32)
    (local $level i32)
    (block $done
      (loop $blink
        (br_if $done (i32.eqz (local.get $times)))
        (local.set $level (i32.xor (local.get $level) (i32.const 1)))
        (call $gpio_write (i32.const 13) (local.get $level))
        (if (local.get $level)
          (then (call $log (i32.const 8) (i32.const 6)))
          (else (call $log (i32.const 0) (i32.const 7))))
        (call $delay_ms (i32.const 500))
        (local.set $times (i32.sub (local.get $times) (i32.const 1)))
        (br $blink)))))
