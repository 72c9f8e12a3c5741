;; embed_config_test.cpp
(module
  (memory 1)
  (func $a (local i32 i64 f32))
  (func $b (local i32))
  (table 1 funcref)
  (elem (i32.const 0) $a)
  (data (i32.const 0) "x")
  (data (i32.const 1) "y"))
