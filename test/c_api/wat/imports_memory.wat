;; Imports a memory, which the C API cannot provide (instance_test.c).
(module
  (import "env" "tick" (func (param i32) (result i32)))
  (import "board" "sram" (memory 1)))
