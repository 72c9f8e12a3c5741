;; A reference-typed global: its state cannot be captured (snapshot_unsupported).
(module
  (global $g (mut funcref) (ref.null func))
  (memory 1)
  (func (export "f") (param i32) (result i32) (local.get 0)))
