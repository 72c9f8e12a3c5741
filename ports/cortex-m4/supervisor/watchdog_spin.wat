;; The watchdog measurement's guest: a spin loop that calls env.mark each iteration (2 units of
;; fuel per iteration: the call and the branch back), so the last mark before the watchdog acts is
;; the last wasm code that ran on the budget.
(module
  (import "env" "mark" (func $mark))
  (func (export "pw_main") (result i32)
    (loop $l (call $mark) (br $l))
    (i32.const 0)))
