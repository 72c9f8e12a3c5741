;; embed_config_test.cpp
(module
  (memory (export "mem") 1)
  (global (export "counter") (mut i32) (i32.const 5))
  (func (export "inc") (result i32)
    (global.set 0 (i32.add (global.get 0) (i32.const 1)))
    (global.get 0)))
