;; Version 3, a broken update: its signature and code are valid, but pw_main divides by zero.
(module
  (memory 1)
  (func (export "pw_main") (result i32)
    (i32.div_u (i32.const 3) (i32.const 0))))
