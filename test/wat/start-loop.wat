;; start_function_test.cpp: the reproducer of finding A1 (shared/findings/start_loop.wat)
(module (func $s (loop $l (br $l))) (start $s)
  (func (export "main") (result i32) (i32.const 1)))
