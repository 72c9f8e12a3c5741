;; embed_config_test.cpp
(module
  (func $down (export "down") (param i32)
    (if (i32.eqz (local.get 0)) (then unreachable))
    (call $down (i32.sub (local.get 0) (i32.const 1)))))
