;; embed_config_test.cpp
(module
  (import "env" "gpio_write" (func $gpio_write (param i32 i32)))
  (import "env" "delay_ms" (func $delay_ms (param i32)))
  (func (export "run") (param i32)
    (call $gpio_write (i32.const 13) (local.get 0))
    (call $delay_ms (i32.const 500))))
