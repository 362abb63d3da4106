#ifndef LOCKBENCH_LOCKCYCLE_INTERNAL_H
#define LOCKBENCH_LOCKCYCLE_INTERNAL_H
// The C reference client's state, shared by its event loop (cycle.c) and its set-up (run.c).
#include "lockcycle.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// Latency histogram: 128 linear sub-buckets per power of two (under 1% error), in nanoseconds.
#define LC_SUB 128
#define LC_BUCKETS (58 * LC_SUB)
#define LC_CONNECT_NS 5000000000ULL
#define LC_DRAIN_NS 2000000000ULL

struct lc_thread;

struct lc_conn {
    redisAsyncContext *ac;
    struct lc_thread *owner;
    int reading, writing;
    int ready;      // the release script is loaded
    int in_flight;  // acquisitions started and not yet released
    int *parked;    // FIFO of contenders waiting for the pipeline cap
    int parked_head, parked_count, parked_cap;
};

struct lc_contender {
    struct lc_thread *owner;
    int conn;
    char *key;
    size_t key_len;
    char token[32];
    uint64_t started_ns;
};

struct lc_thread {
    const struct lockcycle_config *cfg;
    pthread_t thread;
    pthread_barrier_t *ready, *go;
    const int *abort_run;
    const uint64_t *window_start, *window_end;
    struct lc_conn *conns;
    int nconns;
    struct lc_contender *contenders;
    int ncontenders;
    uint64_t nonce, counter;
    char ttl[24];
    int stopping, active, failed;
    uint64_t acquisitions, busy, errors;
    double cpu_start_us, cpu_end_us;
    int window_opened, window_closed;
    uint64_t hist[LC_BUCKETS];
    char error[256];
};

uint64_t lc_now(clockid_t clock);
uint64_t lc_splitmix(uint64_t *state);
double lc_bucket_mid(int index);
// A thread's whole life: connect, wait for the common start, run the window, drain, disconnect.
void *lc_thread_main(void *arg);

#endif
