;; One function per value type, to try how `picowasm run` reads arguments and prints results,
;; e.g. `picowasm run numbers.wasm --invoke hypot 3 4` prints f64:5.
(module
  ;; i64 arithmetic wraps around: add64 9223372036854775807 1 = -9223372036854775808.
  (func (export "add64") (param i64 i64) (result i64)
    (i64.add (local.get 0) (local.get 1)))

  ;; Single precision: ratio32 1 3 prints f32:0.33333334; dividing by zero gives inf or nan.
  (func (export "ratio32") (param f32 f32) (result f32)
    (f32.div (local.get 0) (local.get 1)))

  ;; Double precision: the length of the hypotenuse of a right triangle.
  (func (export "hypot") (param $a f64) (param $b f64) (result f64)
    (f64.sqrt (f64.add (f64.mul (local.get $a) (local.get $a))
                       (f64.mul (local.get $b) (local.get $b)))))

  ;; Two results (multi-value): unsigned quotient and remainder.
  (func (export "divmod") (param $a i32) (param $b i32) (result i32 i32)
    (i32.div_u (local.get $a) (local.get $b))
    (i32.rem_u (local.get $a) (local.get $b))))
