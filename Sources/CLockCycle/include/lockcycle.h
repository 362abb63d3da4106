#ifndef LOCKBENCH_LOCKCYCLE_H
#define LOCKBENCH_LOCKCYCLE_H
// A reference client in C: the setnx-px lock cycle the load driver runs with spin wait and hold 0
// (SET key token NX PX ttl, then EVALSHA compare-and-delete), through hiredis's async API on a
// poll(2) loop per thread. It shares no code with the Swift layers, so a slowdown in those layers
// moves the Swift clients and not this one.
#include <stdint.h>

struct lockcycle_config {
    // TCP host and port, or a Unix socket path (then host is ignored).
    const char *host;
    int port;
    const char *unix_path;
    // The driver's layout: contender i on key i % keys; connection c on thread c % threads; a key's
    // contenders on thread key % threads, spread over that thread's connections.
    int contenders;
    int keys;
    int connections;
    int threads;
    // Acquisitions in flight per connection (0: no cap), as the driver's --pipeline.
    int pipeline;
    int ttl_ms;
    int warmup_ms;
    int duration_ms;
    // Keys are key_prefix followed by the key number.
    const char *key_prefix;
    // The compare-and-delete script (KEYS[1] lock, ARGV[1] token) and its SHA-1, loaded on every
    // connection before the clock starts.
    const char *release_script;
    const char *release_sha;
};

struct lockcycle_result {
    // Acquisitions started and granted inside the window.
    uint64_t acquisitions;
    // SET NX replies that found the key taken (retried at once, as spin does).
    uint64_t busy_replies;
    // Error replies of either command.
    uint64_t errors;
    // The window actually measured, seconds.
    double window_s;
    // CPU of the loop threads (user + system) over the window, microseconds.
    double cpu_us;
    // Acquire latency (first SET sent to granted) over the window, microseconds.
    double acquire_p50_us;
    double acquire_p99_us;
    // Why the run failed, when lockcycle_run returns non-zero.
    char error[256];
};

// Runs the cycle for warmup_ms + duration_ms and fills `result`. Returns 0, or -1 with result->error set.
// Blocks the calling thread for the whole run.
int lockcycle_run(const struct lockcycle_config *config, struct lockcycle_result *result);

#endif
