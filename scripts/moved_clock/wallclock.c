/*
 * Moves the wall clock of a process and its children by MOVED_CLOCK_OFFSET seconds, and nothing
 * else. Loaded with LD_PRELOAD by scripts/test-moved-clock.sh (make test-moved-clock).
 *
 * Why not libfaketime: Debian's libfaketime 0.9.10 either moves the monotonic clock too, and then
 * Python's waits on locks and events (sem_clockwait, which it does not translate) last a year, or,
 * with DONT_FAKE_MONOTONIC=1, Python 3.11's time.sleep fails with EINVAL (its clock_nanosleep
 * wrapper shifts an absolute monotonic deadline). Here only the calls that tell the time of day
 * (clock_gettime for the realtime clocks, gettimeofday, time) are shifted; monotonic time, sleeps
 * and waits stay as they are.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long offset(void) {
    static long seconds;
    static int read;
    if (!read) {
        const char *text = getenv("MOVED_CLOCK_OFFSET");
        seconds = text ? strtol(text, NULL, 10) : 0;
        read = 1;
    }
    return seconds;
}

static int is_wall(clockid_t id) {
    return id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI;
}

int clock_gettime(clockid_t id, struct timespec *ts) {
    static int (*real)(clockid_t, struct timespec *);
    if (!real) real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int result = real(id, ts);
    if (result == 0 && is_wall(id)) ts->tv_sec += offset();
    return result;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    static int (*real)(struct timeval *restrict, void *restrict);
    if (!real) real = (int (*)(struct timeval *restrict, void *restrict))dlsym(RTLD_NEXT, "gettimeofday");
    int result = real(tv, tz);
    if (result == 0) tv->tv_sec += offset();
    return result;
}

time_t time(time_t *out) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    if (out) *out = now.tv_sec;
    return now.tv_sec;
}

int timespec_get(struct timespec *ts, int base) {
    if (base != TIME_UTC || clock_gettime(CLOCK_REALTIME, ts) != 0) return 0;
    return base;
}
