;; Fibonacci numbers, iteratively (fib 0 = 0, fib 1 = 1, fib 10 = 55), with wrap-around on i32.
(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $next i32)
    (local.set $b (i32.const 1))
    (block $done
      (loop $step
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $next (i32.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $next))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $step)))
    (local.get $a)))
