;; Recursion to a known depth: down(n) = n, by n nested calls (depth n + 1, n calls from wasm).
(module
  (func $down (export "down") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (call $down (i32.sub (local.get $n) (i32.const 1))) (i32.const 1))))))
