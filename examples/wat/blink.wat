;; Blink an LED: the classic first firmware program, as a sandboxed module.
;; The host decides what "pin 13" and "delay" mean; the module can touch nothing else.
(module
  (import "env" "gpio_write" (func $gpio_write (param $pin i32) (param $level i32)))
  (import "env" "delay_ms" (func $delay_ms (param $ms i32)))

  (global $led_pin i32 (i32.const 13))

  ;; Toggle the LED `times` times, waiting half a second after each change.
  (func (export "run") (param $times i32)
    (local $level i32)
    (block $done
      (loop $blink
        (br_if $done (i32.eqz (local.get $times)))
        (local.set $level (i32.xor (local.get $level) (i32.const 1)))
        (call $gpio_write (global.get $led_pin) (local.get $level))
        (call $delay_ms (i32.const 500))
        (local.set $times (i32.sub (local.get $times) (i32.const 1)))
        (br $blink)))))
