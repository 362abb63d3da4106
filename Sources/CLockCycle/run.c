#define _GNU_SOURCE
#include "internal.h"

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
