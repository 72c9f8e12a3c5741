;; embed_lifecycle_test.cpp
(module
  (import "env" "gpio_write" (func $gpio_write (param i32 i32)))
  (import "env" "delay_ms" (func $delay_ms (param i32)))
  (memory 1)
  (global $pin (mut i32) (i32.const 13))
  (func (export "run") (param $times i32) (result i32)
    (local $level i32)
    (block $done
      (loop $blink
        (br_if $done (i32.eqz (local.get $times)))
        (local.set $level (i32.xor (local.get $level) (i32.const 1)))
        (call $gpio_write (global.get $pin) (local.get $level))
        (call $delay_ms (i32.const 500))
        (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
        (local.set $times (i32.sub (local.get $times) (i32.const 1)))
        (br $blink)))
    (i32.load (i32.const 0)))
  (func (export "bad") (call $gpio_write (i32.const 99) (i32.const 1))))
