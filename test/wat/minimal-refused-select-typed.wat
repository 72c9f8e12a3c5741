;; minimal_engine_test.cpp: refused by the minimal engine
(module (memory 1) (table $t 2 funcref) (data $d "ab") (elem $e func $f)
  (func $f) (func (export "g") (drop (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)))))
