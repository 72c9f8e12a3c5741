;; start_function_test.cpp
(module
  (global $n (mut i32) (i32.const 0))
  (func $s (loop $l (global.set $n (i32.add (global.get $n) (i32.const 1)))
                    (br_if $l (i32.lt_u (global.get $n) (i32.const 100)))))
  (start $s)
  (func (export "n") (result i32) (global.get $n)))
