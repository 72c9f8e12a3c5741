;; start_function_test.cpp
(module (func (export "n") (result i32) (i32.const 5)))
