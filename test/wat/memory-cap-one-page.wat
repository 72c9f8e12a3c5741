;; embed_memory_cap_test.cpp
(module
  (import "env" "view_size" (func $view_size (param i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 4000) "tail")
  ;; Adds 1 to every 32-bit word of [0, 4096) `rounds` times; returns the sum of all words.
  (func (export "churn") (param $rounds i32) (result i32)
    (local $a i32) (local $sum i32)
    (block $done (loop $round
      (br_if $done (i32.eqz (local.get $rounds)))
      (local.set $a (i32.const 0))
      (loop $word
        (i32.store (local.get $a) (i32.add (i32.load (local.get $a)) (i32.const 1)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (br_if $word (i32.lt_u (local.get $a) (i32.const 4096))))
      (local.set $rounds (i32.sub (local.get $rounds) (i32.const 1)))
      (br $round)))
    (local.set $a (i32.const 0))
    (loop $add
      (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $a))))
      (local.set $a (i32.add (local.get $a) (i32.const 4)))
      (br_if $add (i32.lt_u (local.get $a) (i32.const 4000))))
    (local.get $sum))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store8") (param i32) (i32.store8 (local.get 0) (i32.const 1)))
  (func (export "load_off") (param i32) (result i32) (i32.load offset=4000 (local.get 0)))
  (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 7) (local.get 1)))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "view") (param i32 i32) (result i32) (call $view_size (local.get 0) (local.get 1))))
