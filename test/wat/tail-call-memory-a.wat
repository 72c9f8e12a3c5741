;; tail_call_test.cpp
(module
  (memory (export "mem") 1)
  (data (i32.const 8) "\2a\00\00\00")
  (func (export "load_at") (param i32) (result i32) (i32.load (local.get 0))))
