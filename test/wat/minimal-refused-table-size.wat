;; minimal_engine_test.cpp: refused by the minimal engine
(module (memory 1) (table $t 2 funcref) (data $d "ab") (elem $e func $f)
  (func $f) (func (export "g") (drop (table.size $t))))
