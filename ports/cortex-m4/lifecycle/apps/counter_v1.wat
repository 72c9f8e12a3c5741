;; The lifecycle demo's app, version 1 (docs/lifecycle.md): pw_main returns its version.
(module
  (memory 1)
  (func (export "pw_main") (result i32)
    i32.const 1))
