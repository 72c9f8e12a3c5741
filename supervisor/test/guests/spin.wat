;; Loops forever: only the watchdog stops it.
(module
  (func (export "pw_main") (result i32) (loop $l (br $l)) (i32.const 0)))
