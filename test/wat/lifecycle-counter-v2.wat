;; embed_lifecycle_test.cpp
(module (memory 2)
  (func (export "count") (param $n i32) (result i32)
    (i32.mul (local.get $n) (i32.const 10))))
