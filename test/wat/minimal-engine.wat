;; minimal_engine_test.cpp
(module
  (type $i_i (func (param i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "\01\02\03\04\05\06\07\08")
  (table 2 funcref)
  (elem (i32.const 0) $twice $dec)
  (func $twice (type $i_i) (i32.mul (local.get 0) (i32.const 2)))                 ;; 0
  (func $dec (type $i_i) (i32.sub (local.get 0) (i32.const 1)))                   ;; 1
  ;; table slot i applied to x
  (func (export "apply") (param $i i32) (param $x i32) (result i32)               ;; 2
    (call_indirect (type $i_i) (local.get $x) (local.get $i)))
  ;; 1 + 2 + ... + n, a loop on a compare with a constant and br_if
  (func (export "sum") (param $n i32) (result i32) (local $acc i32)               ;; 3
    (block $done
      (loop $next
        (br_if $done (i32.le_s (local.get $n) (i32.const 0)))
        (local.set $acc (i32.add (local.get $acc) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc))
  ;; the i32 at address p + 16 (an add of a constant before a load at offset 0)
  (func (export "peek") (param $p i32) (result i32)                               ;; 4
    (i32.load (i32.add (local.get $p) (i32.const 16))))
  ;; (x << 3) & 0xFF0 as i64
  (func (export "mask64") (param $x i64) (result i64)                             ;; 5
    (i64.and (i64.shl (local.get $x) (i64.const 3)) (i64.const 0xFF0)))
  ;; a / b, called through another function so that the trap has a caller
  (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))  ;; 6
  (func (export "outer") (param i32 i32) (result i32)                             ;; 7
    (i32.add (call $div (local.get 0) (local.get 1)) (i32.const 1)))
)
