;; tail_call_test.cpp
(module
  (type $sum_t (func (param i64 i64) (result i64)))
  (type $ii_i (func (param i32 i32) (result i32)))
  (import "env" "add" (func $add (param i32 i32) (result i32)))
  (import "env" "tick" (func $tick (param i32) (result i32)))
  (import "env" "fail" (func $fail (param i32) (result i32)))
  ;; 0 $sum, 1 $sum_ind, 2 $even (another type), 3 null, 4 the host function $add; 5.. out of range
  (table 5 funcref)
  (elem (i32.const 0) func $sum $sum_ind $even)
  (elem (i32.const 4) func $add)

  ;; sum(n, acc) = acc + n + (n - 1) + ... + 1, one tail call per step
  (func $sum (export "sum") (type $sum_t)                                       ;; 3
    (if (i64.eqz (local.get 0)) (then (return (local.get 1))))
    (return_call $sum (i64.sub (local.get 0) (i64.const 1))
                      (i64.add (local.get 1) (local.get 0))))
  ;; the same with an ordinary call: one frame per step
  (func $sum_call (export "sum_call") (type $sum_t)                             ;; 4
    (if (i64.eqz (local.get 0)) (then (return (local.get 1))))
    (call $sum_call (i64.sub (local.get 0) (i64.const 1))
                    (i64.add (local.get 1) (local.get 0))))
  ;; the same through table slot 1
  (func $sum_ind (type $sum_t)                                                  ;; 5
    (if (i64.eqz (local.get 0)) (then (return (local.get 1))))
    (return_call_indirect (type $sum_t) (i64.sub (local.get 0) (i64.const 1))
                                        (i64.add (local.get 1) (local.get 0)) (i32.const 1)))
  ;; sum(n, 0) through table slot i; the index is local 0, which the arguments overwrite
  (func (export "indirect") (param $i i32) (param $n i64) (result i64)          ;; 6
    (return_call_indirect (type $sum_t) (local.get $n) (i64.const 0) (local.get $i)))

  ;; mutual recursion; $odd has a local that must start at zero in every frame it reuses
  (func $even (export "even") (param i32) (result i32)                          ;; 7
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call $odd (i32.sub (local.get 0) (i32.const 1))))))
  (func $odd (export "odd") (param i32) (result i32) (local $scratch i64)      ;; 8
    (if (i64.ne (local.get $scratch) (i64.const 0)) (then unreachable))
    (local.set $scratch (i64.const -1))
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call $even (i32.sub (local.get 0) (i32.const 1))))))

  ;; tail calls of host functions, directly and through the table
  (func $add_tail (export "add_tail") (param i32) (result i32)                  ;; 9
    (return_call $add (local.get 0) (i32.const 5)))
  (func (export "add_indirect") (param i32) (result i32)                        ;; 10
    (return_call_indirect (type $ii_i) (local.get 0) (i32.const 100) (i32.const 4)))
  (func (export "tick_tail") (param i32) (result i32)                           ;; 11
    (return_call $tick (call $tick (local.get 0))))
  (func (export "fail_tail") (param i32) (result i32)                           ;; 12
    (return_call $fail (local.get 0)))

  ;; outer calls middle, which tail-calls inner: a trap in inner shows inner, then outer
  (func $inner (param i32) (result i32)                                         ;; 13
    (if (local.get 0) (then unreachable))
    (i32.const 1))
  (func $middle (param i32) (result i32) (return_call $inner (local.get 0)))    ;; 14
  (func (export "outer") (param i32) (result i32)                               ;; 15
    (i32.mul (i32.add (call $middle (local.get 0)) (call $add_tail (i32.const 2)))
             (i32.const 10)))
)
