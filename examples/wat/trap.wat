;; Code that fails at run time. Wasm cannot crash its host: a fault becomes a trap that ends the
;; call and is reported to the embedder (`picowasm run` prints "trap: ..." and exits with 3).
(module
  ;; The entry point `picowasm run` picks by default.
  (func (export "_start")
    (unreachable))

  ;; Signed division: traps on a zero divisor, and on -2147483648 / -1 (the quotient overflows).
  (func (export "divide") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))

  ;; The same division one call deeper: the trap report's backtrace shows both frames.
  (func (export "divide_via_call") (param $a i32) (param $b i32) (result i32)
    (call 1 (local.get $a) (local.get $b)))

  ;; Recursion without a base case: the call stack runs out.
  (func $recurse (export "recurse") (param $depth i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get $depth) (i32.const 1))) (i32.const 1))))
