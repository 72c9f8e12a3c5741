;; Version 2: computes 1 + 2 + ... + 10 = 55 in a loop, then returns 2 * 1000 + 55 = 2055.
(module
  (memory 1)
  (func (export "pw_main") (result i32)
    (local $i i32) (local $sum i32)
    (local.set $i (i32.const 10))
    (loop $next
      (local.set $sum (i32.add (local.get $sum) (local.get $i)))
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (br_if $next (local.get $i)))
    (i32.add (i32.const 2000) (local.get $sum))))
