// libm: values whose decimal expansions are known (sqrt 2, e, ln 10, pi) or exact.
#include <math.h>
#include <stdio.h>

int main(void) {
  volatile double two = 2.0, one = 1.0, ten = 10.0;  // computed at run time, not folded
  printf("sqrt(2)=%.15f\n", sqrt(two));
  printf("exp(1)=%.15f\n", exp(one));
  printf("log(10)=%.15f\n", log(ten));
  printf("4*atan(1)=%.15f\n", 4 * atan(one));
  printf("pow(2,10)=%g pow(2,-1)=%g cbrt(27)=%g\n", pow(two, 10), pow(two, -1), cbrt(27.0 * one));
  printf("sin(0)=%g cos(0)=%g tan(0)=%g\n", sin(0 * one), cos(0 * one), tan(0 * one));
  printf("floor(-2.5)=%g ceil(-2.5)=%g round(2.5)=%g trunc(-2.7)=%g\n", floor(-2.5 * one),
         ceil(-2.5 * one), round(2.5 * one), trunc(-2.7 * one));
  printf("fmod(7,3)=%g hypot(3,4)=%g fabs(-1.25)=%g\n", fmod(7 * one, 3), hypot(3 * one, 4),
         fabs(-1.25 * one));
  printf("sqrtf(16)=%g log2(1024)=%g log10(1000)=%g\n", (double)sqrtf(16.0f * (float)one),
         log2(1024 * one), log10(1000 * one));
  printf("isnan(sqrt(-1))=%d isinf(1/0)=%d\n", isnan(sqrt(-one)), isinf(one / 0.0));
  return 0;
}
