/// `INFO stats cpu commandstats` replies captured from redis-server 7.0.15 (Debian package) on loopback.
/// Between the two: `SCRIPT LOAD`, three `EVALSHA`s that each `SET ... NX PX` inside the script,
/// `CLIENT SETNAME`, `INCR`, and the `INFO` call that took the first snapshot.
enum InfoSamples {
    /// The first snapshot, with the CRLF line breaks Redis sends.
    static var before: String { beforeLF.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n") + "\r\n" }

    static let beforeLF = """
    # Stats
    total_connections_received:8
    total_commands_processed:9
    instantaneous_ops_per_sec:0
    total_net_input_bytes:352
    total_net_output_bytes:2448
    total_net_repl_input_bytes:0
    total_net_repl_output_bytes:0
    instantaneous_input_kbps:0.00
    instantaneous_output_kbps:0.00
    instantaneous_input_repl_kbps:0.00
    instantaneous_output_repl_kbps:0.00
    rejected_connections:0
    sync_full:0
    sync_partial_ok:0
    sync_partial_err:0
    expired_keys:1
    expired_stale_perc:0.52
    expired_time_cap_reached_count:0
    expire_cycle_cpu_milliseconds:0
    evicted_keys:0
    evicted_clients:0
    total_eviction_exceeded_time:0
    current_eviction_exceeded_time:0
    keyspace_hits:1
    keyspace_misses:0
    pubsub_channels:0
    pubsub_patterns:0
    pubsubshard_channels:0
    latest_fork_usec:0
    total_forks:0
    migrate_cached_sockets:0
    slave_expires_tracked_keys:0
    active_defrag_hits:0
    active_defrag_misses:0
    active_defrag_key_hits:0
    active_defrag_key_misses:0
    total_active_defrag_time:0
    current_active_defrag_time:0
    tracking_total_keys:0
    tracking_total_items:0
    tracking_total_prefixes:0
    unexpected_error_replies:0
    total_error_replies:0
    dump_payload_sanitizations:0
    total_reads_processed:15
    total_writes_processed:7
    io_threaded_reads_processed:0
    io_threaded_writes_processed:0
    reply_buffer_shrinks:0
    reply_buffer_expands:0

    # CPU
    used_cpu_sys:0.015408
    used_cpu_user:0.000000
    used_cpu_sys_children:0.000000
    used_cpu_user_children:0.000000
    used_cpu_sys_main_thread:0.015349
    used_cpu_user_main_thread:0.000000

    # Commandstats
    cmdstat_info:calls=4,usec=97,usec_per_call=24.25,rejected_calls=0,failed_calls=0
    cmdstat_get:calls=1,usec=2,usec_per_call=2.00,rejected_calls=0,failed_calls=0
    cmdstat_eval:calls=1,usec=60,usec_per_call=60.00,rejected_calls=0,failed_calls=0
    cmdstat_set:calls=3,usec=26,usec_per_call=8.67,rejected_calls=0,failed_calls=0
    """

    /// The second snapshot, LF line breaks (as `redis-cli` prints it).
    static let after = """
    # Stats
    total_connections_received:15
    total_commands_processed:19
    instantaneous_ops_per_sec:4
    total_net_input_bytes:823
    total_net_output_bytes:4360
    total_net_repl_input_bytes:0
    total_net_repl_output_bytes:0
    instantaneous_input_kbps:0.24
    instantaneous_output_kbps:0.04
    instantaneous_input_repl_kbps:0.00
    instantaneous_output_repl_kbps:0.00
    rejected_connections:0
    sync_full:0
    sync_partial_ok:0
    sync_partial_err:0
    expired_keys:1
    expired_stale_perc:0.20
    expired_time_cap_reached_count:0
    expire_cycle_cpu_milliseconds:0
    evicted_keys:0
    evicted_clients:0
    total_eviction_exceeded_time:0
    current_eviction_exceeded_time:0
    keyspace_hits:1
    keyspace_misses:0
    pubsub_channels:0
    pubsub_patterns:0
    pubsubshard_channels:0
    latest_fork_usec:0
    total_forks:0
    migrate_cached_sockets:0
    slave_expires_tracked_keys:0
    active_defrag_hits:0
    active_defrag_misses:0
    active_defrag_key_hits:0
    active_defrag_key_misses:0
    total_active_defrag_time:0
    current_active_defrag_time:0
    tracking_total_keys:0
    tracking_total_items:0
    tracking_total_prefixes:0
    unexpected_error_replies:0
    total_error_replies:0
    dump_payload_sanitizations:0
    total_reads_processed:29
    total_writes_processed:14
    io_threaded_reads_processed:0
    io_threaded_writes_processed:0
    reply_buffer_shrinks:0
    reply_buffer_expands:0

    # CPU
    used_cpu_sys:0.018888
    used_cpu_user:0.000309
    used_cpu_sys_children:0.000000
    used_cpu_user_children:0.000000
    used_cpu_sys_main_thread:0.015349
    used_cpu_user_main_thread:0.003789

    # Commandstats
    cmdstat_info:calls=5,usec=160,usec_per_call=32.00,rejected_calls=0,failed_calls=0
    cmdstat_script|load:calls=1,usec=36,usec_per_call=36.00,rejected_calls=0,failed_calls=0
    cmdstat_evalsha:calls=3,usec=101,usec_per_call=33.67,rejected_calls=0,failed_calls=0
    cmdstat_incr:calls=1,usec=5,usec_per_call=5.00,rejected_calls=0,failed_calls=0
    cmdstat_get:calls=1,usec=2,usec_per_call=2.00,rejected_calls=0,failed_calls=0
    cmdstat_client|setname:calls=1,usec=4,usec_per_call=4.00,rejected_calls=0,failed_calls=0
    cmdstat_eval:calls=1,usec=60,usec_per_call=60.00,rejected_calls=0,failed_calls=0
    cmdstat_set:calls=6,usec=48,usec_per_call=8.00,rejected_calls=0,failed_calls=0
    """
}
