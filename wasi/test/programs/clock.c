// Clocks: the monotonic clock never goes back, its resolution is the board's microsecond, the
// realtime clock is past 2020-01-01, and a sleep lasts at least as long as asked.
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static long long ns(clockid_t id) {
  struct timespec t;
  if (clock_gettime(id, &t) != 0) return -1;
  return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
  long long prev = ns(CLOCK_MONOTONIC);
  int backwards = 0;
  for (int i = 0; i < 10000; ++i) {
    const long long t = ns(CLOCK_MONOTONIC);
    backwards += t < prev;
    prev = t;
  }
  struct timespec res;
  clock_getres(CLOCK_MONOTONIC, &res);
  printf("monotonic backwards=%d res=%ldns\n", backwards, res.tv_nsec);
  printf("realtime after 2020=%d\n", time(NULL) > 1577836800);
  const long long a = ns(CLOCK_MONOTONIC);
  struct timespec d = {0, 30000000};  // 30 ms
  nanosleep(&d, NULL);
  const long long b = ns(CLOCK_MONOTONIC);
  usleep(20000);  // 20 ms
  const long long c = ns(CLOCK_MONOTONIC);
  printf("nanosleep>=30ms=%d usleep>=20ms=%d\n", b - a >= 30000000, c - b >= 20000000);
  return 0;
}
