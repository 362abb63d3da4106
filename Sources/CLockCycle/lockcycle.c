#define _GNU_SOURCE
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

static uint64_t lc_now(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t lc_splitmix(uint64_t *state) {
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static int lc_bucket(uint64_t v) {
    if (v < LC_SUB) return (int)v;
    int e = 63 - __builtin_clzll(v);
    return (e - 6) * LC_SUB + (int)((v >> (e - 7)) & (LC_SUB - 1));
}

static double lc_bucket_mid(int index) {
    if (index < LC_SUB) return index;
    int e = index / LC_SUB + 6;
    uint64_t low = (uint64_t)(index % LC_SUB + LC_SUB) << (e - 7);
    return (double)low + (double)(1ULL << (e - 7)) / 2;
}

// Adapter: hiredis calls these repeatedly; the loop reads the flags when it builds its pollfds.
static void lc_add_read(void *p) { ((struct lc_conn *)p)->reading = 1; }
static void lc_del_read(void *p) { ((struct lc_conn *)p)->reading = 0; }
static void lc_add_write(void *p) { ((struct lc_conn *)p)->writing = 1; }
static void lc_del_write(void *p) { ((struct lc_conn *)p)->writing = 0; }
static void lc_cleanup(void *p) {
    struct lc_conn *conn = p;
    conn->reading = conn->writing = 0;
    conn->ac = NULL;  // hiredis frees the context right after
}

static void lc_fail(struct lc_thread *t, const char *what, const char *detail) {
    if (t->failed) return;
    t->failed = 1;
    snprintf(t->error, sizeof t->error, "%s: %s", what, detail ? detail : "unknown error");
}

static void lc_begin(struct lc_thread *t, int index);

static void lc_send_set(struct lc_contender *c);

static void lc_finish(struct lc_contender *c) {
    struct lc_thread *t = c->owner;
    struct lc_conn *conn = &t->conns[c->conn];
    conn->in_flight--;
    t->active--;
    if (conn->parked_count > 0 && !t->stopping) {
        int next = conn->parked[conn->parked_head];
        conn->parked_head = (conn->parked_head + 1) % conn->parked_cap;
        conn->parked_count--;
        lc_begin(t, next);
    }
}

static void lc_on_release(redisAsyncContext *ac, void *reply, void *privdata) {
    (void)ac;
    struct lc_contender *c = privdata;
    redisReply *r = reply;
    if (r && r->type == REDIS_REPLY_ERROR) c->owner->errors++;
    lc_finish(c);
    if (r) lc_begin(c->owner, (int)(c - c->owner->contenders));
}

static void lc_on_set(redisAsyncContext *ac, void *reply, void *privdata) {
    struct lc_contender *c = privdata;
    struct lc_thread *t = c->owner;
    redisReply *r = reply;
    if (!r) { lc_finish(c); return; }
    if (r->type == REDIS_REPLY_STATUS) {
        uint64_t now = lc_now(CLOCK_MONOTONIC);
        if (c->started_ns >= *t->window_start && now <= *t->window_end) {
            t->acquisitions++;
            t->hist[lc_bucket(now - c->started_ns)]++;
        }
        const char *argv[5] = {"EVALSHA", t->cfg->release_sha, "1", c->key, c->token};
        size_t lens[5] = {7, strlen(t->cfg->release_sha), 1, c->key_len, sizeof c->token};
        if (redisAsyncCommandArgv(ac, lc_on_release, c, 5, argv, lens) != REDIS_OK) lc_finish(c);
        return;
    }
    if (r->type == REDIS_REPLY_NIL) {
        t->busy++;
        if (t->stopping) lc_finish(c); else lc_send_set(c);  // spin: try again at once
        return;
    }
    t->errors++;
    lc_finish(c);
    lc_begin(t, (int)(c - t->contenders));
}

static void lc_send_set(struct lc_contender *c) {
    struct lc_thread *t = c->owner;
    redisAsyncContext *ac = t->conns[c->conn].ac;
    const char *argv[6] = {"SET", c->key, c->token, "NX", "PX", t->ttl};
    size_t lens[6] = {3, c->key_len, sizeof c->token, 2, 2, strlen(t->ttl)};
    if (!ac || redisAsyncCommandArgv(ac, lc_on_set, c, 6, argv, lens) != REDIS_OK) lc_finish(c);
}

static void lc_hex(uint64_t value, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) out[i] = digits[(value >> (60 - 4 * i)) & 0xF];
}

static void lc_begin(struct lc_thread *t, int index) {
    if (t->stopping) return;
    struct lc_contender *c = &t->contenders[index];
    struct lc_conn *conn = &t->conns[c->conn];
    if (t->cfg->pipeline > 0 && conn->in_flight >= t->cfg->pipeline) {
        conn->parked[(conn->parked_head + conn->parked_count) % conn->parked_cap] = index;
        conn->parked_count++;
        return;
    }
    conn->in_flight++;
    t->active++;
    // 128-bit token, unique per acquisition: a per-thread random nonce and a counter.
    lc_hex(t->nonce, c->token);
    lc_hex(lc_splitmix(&t->counter), c->token + 16);
    c->started_ns = lc_now(CLOCK_MONOTONIC);
    lc_send_set(c);
}

static void lc_on_loaded(redisAsyncContext *ac, void *reply, void *privdata) {
    struct lc_conn *conn = privdata;
    redisReply *r = reply;
    if (!r || r->type == REDIS_REPLY_ERROR) {
        lc_fail(conn->owner, "SCRIPT LOAD", r ? r->str : ac->errstr);
        return;
    }
    conn->ready = 1;
}

static void lc_on_disconnect(const redisAsyncContext *ac, int status) {
    struct lc_conn *conn = ac->data;
    conn->ac = NULL;
    if (status != REDIS_OK && !conn->owner->stopping) lc_fail(conn->owner, "connection lost", ac->errstr);
}

// One poll(2) round over the thread's sockets, waiting at most timeout_ms.
static void lc_poll(struct lc_thread *t, int timeout_ms) {
    struct pollfd fds[t->nconns];
    int which[t->nconns];
    int n = 0;
    for (int i = 0; i < t->nconns; i++) {
        struct lc_conn *conn = &t->conns[i];
        if (!conn->ac || !(conn->reading || conn->writing)) continue;
        fds[n].fd = conn->ac->c.fd;
        fds[n].events = (short)((conn->reading ? POLLIN : 0) | (conn->writing ? POLLOUT : 0));
        fds[n].revents = 0;
        which[n++] = i;
    }
    if (poll(fds, (nfds_t)n, timeout_ms) <= 0) return;
    for (int k = 0; k < n; k++) {
        struct lc_conn *conn = &t->conns[which[k]];
        if ((fds[k].revents & (POLLIN | POLLHUP | POLLERR)) && conn->ac) redisAsyncHandleRead(conn->ac);
        if ((fds[k].revents & POLLOUT) && conn->ac) redisAsyncHandleWrite(conn->ac);
    }
}

static int lc_connect(struct lc_thread *t) {
    const struct lockcycle_config *cfg = t->cfg;
    for (int i = 0; i < t->nconns; i++) {
        struct lc_conn *conn = &t->conns[i];
        redisAsyncContext *ac = cfg->unix_path ? redisAsyncConnectUnix(cfg->unix_path) : redisAsyncConnect(cfg->host, cfg->port);
        if (!ac) { lc_fail(t, "connect", "out of memory"); return -1; }
        if (ac->err) { lc_fail(t, "connect", ac->errstr); redisAsyncFree(ac); return -1; }
        conn->ac = ac;
        ac->data = conn;
        // The adapter goes in before the connect callback: hiredis asks for the first write event then.
        ac->ev.data = conn;
        ac->ev.addRead = lc_add_read;
        ac->ev.delRead = lc_del_read;
        ac->ev.addWrite = lc_add_write;
        ac->ev.delWrite = lc_del_write;
        ac->ev.cleanup = lc_cleanup;
        redisAsyncSetDisconnectCallback(ac, lc_on_disconnect);
        const char *argv[3] = {"SCRIPT", "LOAD", cfg->release_script};
        size_t lens[3] = {6, 4, strlen(cfg->release_script)};
        redisAsyncCommandArgv(ac, lc_on_loaded, conn, 3, argv, lens);
    }
    uint64_t deadline = lc_now(CLOCK_MONOTONIC) + LC_CONNECT_NS;
    for (;;) {
        int ready = 0;
        for (int i = 0; i < t->nconns; i++) ready += t->conns[i].ready;
        if (ready == t->nconns) return 0;
        if (t->failed) return -1;
        if (lc_now(CLOCK_MONOTONIC) > deadline) { lc_fail(t, "connect", "no reply to SCRIPT LOAD within 5 s"); return -1; }
        lc_poll(t, 100);
    }
}

static void lc_measure(struct lc_thread *t) {
    for (int i = 0; i < t->ncontenders; i++) lc_begin(t, i);
    uint64_t drain_deadline = 0;
    for (;;) {
        uint64_t now = lc_now(CLOCK_MONOTONIC);
        if (!t->window_opened && now >= *t->window_start) {
            t->cpu_start_us = (double)lc_now(CLOCK_THREAD_CPUTIME_ID) / 1000;
            t->window_opened = 1;
        }
        if (!t->stopping && now >= *t->window_end) {
            t->cpu_end_us = (double)lc_now(CLOCK_THREAD_CPUTIME_ID) / 1000;
            t->window_closed = 1;
            t->stopping = 1;
            drain_deadline = now + LC_DRAIN_NS;
        }
        if (t->failed || (t->stopping && (t->active == 0 || now >= drain_deadline))) return;
        uint64_t next = !t->window_opened ? *t->window_start : !t->stopping ? *t->window_end : drain_deadline;
        int timeout = next > now ? (int)((next - now) / 1000000) + 1 : 0;
        lc_poll(t, timeout > 100 ? 100 : timeout);
    }
}

static void *lc_thread_main(void *arg) {
    struct lc_thread *t = arg;
    lc_connect(t);
    pthread_barrier_wait(t->ready);
    pthread_barrier_wait(t->go);
    if (!*t->abort_run) lc_measure(t);
    t->stopping = 1;
    for (int i = 0; i < t->nconns; i++) {
        if (t->conns[i].ac) redisAsyncFree(t->conns[i].ac);  // pending callbacks get NULL: nothing is resent
    }
    return NULL;
}

static int lc_setup(const struct lockcycle_config *cfg, struct lc_thread *threads, int nthreads) {
    uint64_t seed = lc_now(CLOCK_REALTIME) ^ (uint64_t)(uintptr_t)threads;
    snprintf(threads[0].ttl, sizeof threads[0].ttl, "%d", cfg->ttl_ms);
    for (int k = 0; k < nthreads; k++) {
        struct lc_thread *t = &threads[k];
        t->cfg = cfg;
        memcpy(t->ttl, threads[0].ttl, sizeof t->ttl);
        t->nonce = lc_splitmix(&seed);
        t->counter = lc_splitmix(&seed);
        t->nconns = (cfg->connections - k + nthreads - 1) / nthreads;
        t->conns = calloc((size_t)t->nconns, sizeof *t->conns);
        t->contenders = calloc((size_t)cfg->contenders, sizeof *t->contenders);
        if (!t->conns || !t->contenders) return -1;
        for (int i = 0; i < t->nconns; i++) {
            t->conns[i].owner = t;
            t->conns[i].parked_cap = cfg->contenders;
            t->conns[i].parked = calloc((size_t)cfg->contenders, sizeof(int));
            if (!t->conns[i].parked) return -1;
        }
    }
    // The driver's placement (LoadRun.buildLanes): key i % keys, thread key % threads, then round robin
    // over the thread's connections in arrival order.
    size_t prefix_len = strlen(cfg->key_prefix);
    for (int i = 0; i < cfg->contenders; i++) {
        int key = i % cfg->keys;
        struct lc_thread *t = &threads[key % nthreads];
        struct lc_contender *c = &t->contenders[t->ncontenders];
        c->owner = t;
        c->conn = t->ncontenders % t->nconns;
        t->ncontenders++;
        c->key = malloc(prefix_len + 24);
        if (!c->key) return -1;
        c->key_len = (size_t)snprintf(c->key, prefix_len + 24, "%s%d", cfg->key_prefix, key);
    }
    return 0;
}

static void lc_teardown(struct lc_thread *threads, int nthreads) {
    for (int k = 0; k < nthreads; k++) {
        struct lc_thread *t = &threads[k];
        for (int i = 0; t->contenders && i < t->ncontenders; i++) free(t->contenders[i].key);
        for (int i = 0; t->conns && i < t->nconns; i++) free(t->conns[i].parked);
        free(t->contenders);
        free(t->conns);
    }
    free(threads);
}

static void lc_summarise(const struct lockcycle_config *cfg, struct lc_thread *threads, int nthreads, struct lockcycle_result *result) {
    uint64_t *merged = calloc(LC_BUCKETS, sizeof *merged);
    if (!merged) return;
    for (int k = 0; k < nthreads; k++) {
        struct lc_thread *t = &threads[k];
        result->acquisitions += t->acquisitions;
        result->busy_replies += t->busy;
        result->errors += t->errors;
        result->cpu_us += t->cpu_end_us - t->cpu_start_us;
        for (int b = 0; b < LC_BUCKETS; b++) merged[b] += t->hist[b];
    }
    result->window_s = (double)cfg->duration_ms / 1000;
    double quantiles[2] = {0.5, 0.99};
    double *outs[2] = {&result->acquire_p50_us, &result->acquire_p99_us};
    for (int q = 0; q < 2; q++) {
        uint64_t rank = (uint64_t)(quantiles[q] * (double)result->acquisitions);
        uint64_t seen = 0;
        for (int b = 0; b < LC_BUCKETS; b++) {
            seen += merged[b];
            if (seen > rank) { *outs[q] = lc_bucket_mid(b) / 1000; break; }
        }
    }
    free(merged);
}

int lockcycle_run(const struct lockcycle_config *cfg, struct lockcycle_result *result) {
    memset(result, 0, sizeof *result);
    if (cfg->contenders < 1 || cfg->keys < 1 || cfg->connections < 1 || cfg->threads < 1 || cfg->duration_ms < 1) {
        snprintf(result->error, sizeof result->error, "contenders, keys, connections, threads and duration must be at least 1");
        return -1;
    }
    int nthreads = cfg->threads;
    if (nthreads > cfg->connections) nthreads = cfg->connections;
    if (nthreads > cfg->keys) nthreads = cfg->keys;
    struct lc_thread *threads = calloc((size_t)nthreads, sizeof *threads);
    if (!threads || lc_setup(cfg, threads, nthreads) != 0) {
        if (threads) lc_teardown(threads, nthreads);
        snprintf(result->error, sizeof result->error, "out of memory setting up %d contenders", cfg->contenders);
        return -1;
    }
    pthread_barrier_t ready, go;
    pthread_barrier_init(&ready, NULL, (unsigned)nthreads + 1);
    pthread_barrier_init(&go, NULL, (unsigned)nthreads + 1);
    int abort_run = 0;
    uint64_t window_start = UINT64_MAX, window_end = UINT64_MAX;
    for (int k = 0; k < nthreads; k++) {
        threads[k].ready = &ready;
        threads[k].go = &go;
        threads[k].abort_run = &abort_run;
        threads[k].window_start = &window_start;
        threads[k].window_end = &window_end;
        pthread_create(&threads[k].thread, NULL, lc_thread_main, &threads[k]);
    }
    pthread_barrier_wait(&ready);
    for (int k = 0; k < nthreads; k++) abort_run |= threads[k].failed;
    window_start = lc_now(CLOCK_MONOTONIC) + (uint64_t)cfg->warmup_ms * 1000000ULL;
    window_end = window_start + (uint64_t)cfg->duration_ms * 1000000ULL;
    pthread_barrier_wait(&go);
    for (int k = 0; k < nthreads; k++) pthread_join(threads[k].thread, NULL);
    pthread_barrier_destroy(&ready);
    pthread_barrier_destroy(&go);

    int status = 0;
    for (int k = 0; k < nthreads; k++) {
        if (threads[k].failed || !threads[k].window_closed) {
            snprintf(result->error, sizeof result->error, "thread %d: %s", k,
                     threads[k].failed ? threads[k].error : "the window never closed");
            status = -1;
            break;
        }
    }
    if (status == 0) lc_summarise(cfg, threads, nthreads, result);
    lc_teardown(threads, nthreads);
    return status;
}
