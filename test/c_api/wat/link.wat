;; One import of each shape for the linking tests (instance_test.c).
(module
  (import "env" "tick" (func (param i32) (result i32)))
  (import "env" "gpio_write" (func (param i32 i32)))
  (memory 1)
  (table 4 funcref)
  (func (export "nop")))
