;; tail_call_test.cpp: refused when tail calls are compiled out
(module (table 1 funcref) (elem (i32.const 0) $f)
  (func $f (param i32) (result i32) (local.get 0))
  (func (export "g") (result i32)
    (return_call_indirect (param i32) (result i32) (i32.const 1) (i32.const 0))))
