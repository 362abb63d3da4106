#define _GNU_SOURCE
#include "internal.h"

uint64_t lc_now(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

uint64_t lc_splitmix(uint64_t *state) {
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

double lc_bucket_mid(int index) {
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

void *lc_thread_main(void *arg) {
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

