import EtcdProto
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Locks
import enum RedisConnection.Endpoint
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

typealias Transport = HTTP2ClientTransport.Posix

/// One gRPC channel to an etcd cluster and the v3 calls the lock recipes make: lease, KV, watch, v3lock.
///
/// The channel connects to every member and spreads calls round robin over the ready ones (what
/// clientv3's balancer does), so a killed member costs the calls in flight on it, not the session.
/// Calls are async; the lock sessions bridge them to their Dispatch queue.
public final class EtcdConnection: Sendable {
    /// The members it talks to.
    public let endpoints: [Endpoint]
    /// `127.0.0.1:2379,127.0.0.1:22379`, for messages.
    public let endpointList: String

    let client: GRPCClient<Transport>
    let kv: Etcdserverpb_KV.Client<Transport>
    let watchService: Etcdserverpb_Watch.Client<Transport>
    let lease: Etcdserverpb_Lease.Client<Transport>
    let lockService: V3lockpb_Lock.Client<Transport>
    /// The channel's deletion waits, on one Watch stream.
    let watches: EtcdWatchHub
    private let runner: Task<Void, Never>

    /// Unary calls wait for a connection (a member restarting) but not forever: a paused member or a
    /// lost quorum fails the call after this long instead of hanging an acquisition. Generous: a debug
    /// build of the gRPC stack on a loaded 2-core machine took over 5 s for a first call, and an error
    /// here is a failed acquisition in the figures, not a measurement of etcd.
    static let unaryTimeout = Duration.seconds(15)

    /// Opens the channel (connections are made lazily, by the first call) to `endpoints`, IPv4 or IPv6
    /// literals or one host name.
    public init(endpoints: [Endpoint]) throws(EtcdError) {
        let list = endpoints.map { $0.description }.joined(separator: ",")
        var pairs: [(host: String, port: Int)] = []
        for endpoint in endpoints {
            guard case .tcp(let host, let port) = endpoint else {
                throw EtcdError(.invalidArgument, call: "etcd \(list)", detail: "\(endpoint) is not a TCP endpoint",
                                hint: "etcd serves gRPC on TCP: give host:port (etcd listens on 2379)")
            }
            pairs.append((host, port))
        }
        guard !pairs.isEmpty else {
            throw EtcdError(.invalidArgument, call: "etcd", detail: "no endpoint given", hint: "Give at least one etcd URL (127.0.0.1:2379)")
        }
        let target: any ResolvableTarget
        if pairs.allSatisfy({ Self.isIPv4($0.host) }) {
            target = .ipv4(pairs: pairs)
        } else if pairs.allSatisfy({ $0.host.contains(":") }) {
            target = .ipv6(pairs: pairs)
        } else if pairs.count == 1 {
            target = .dns(host: pairs[0].host, port: pairs[0].port)
        } else {
            throw EtcdError(.invalidArgument, call: "etcd \(list)", detail: "several endpoints must all be IP addresses",
                            hint: "Give the members as IPv4 or IPv6 literals, or a single host name")
        }
        let transport: Transport
        do {
            let config = HTTP2ClientTransport.Posix.Config.defaults { config in
                // A member that stops answering (SIGSTOP, a partition) keeps its TCP connection open, and
                // round robin kept sending it calls and watches: etcd-mutex stalled 30 s behind a paused
                // follower. A PING after 10 s without data (grpc-swift's floor; etcd refuses pings closer
                // than 5 s) unanswered for 5 s closes that connection, and calls move to the others.
                // Only while calls are open: etcd refuses pings on a connection without streams.
                config.connection.keepalive = .init(time: .seconds(10), timeout: .seconds(5), allowWithoutCalls: false)
                config.channelDebuggingCallbacks.onCreateTCPConnection = { channel in
                    channel.pipeline.addHandler(PingAnswerer(), position: .first)
                }
            }
            transport = try HTTP2ClientTransport.Posix(
                target: target, transportSecurity: .plaintext, config: config,
                serviceConfig: ServiceConfig(loadBalancingConfig: [.roundRobin]))
        } catch {
            throw EtcdError(.invalidArgument, call: "etcd \(list)", detail: "cannot make the gRPC transport: \(error)")
        }
        let client = GRPCClient(transport: transport)
        self.endpoints = endpoints
        self.endpointList = list
        self.client = client
        self.kv = Etcdserverpb_KV.Client(wrapping: client)
        self.watchService = Etcdserverpb_Watch.Client(wrapping: client)
        self.lease = Etcdserverpb_Lease.Client(wrapping: client)
        self.lockService = V3lockpb_Lock.Client(wrapping: client)
        self.watches = EtcdWatchHub(service: watchService, endpointList: list)
        self.runner = Task { try? await client.runConnections() }
    }

    /// Closes the channel; calls still running fail with `cancelled`.
    public func close() {
        watches.close()
        client.beginGracefulShutdown()
        // Watches and keep-alive streams never end by themselves, so a graceful shutdown alone would wait on them.
        runner.cancel()
    }

    private static func isIPv4(_ host: String) -> Bool {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// A unary call's options when it is part of an acquisition that must end by `deadlineNanos`
    /// (monotonic): a call stuck on a member that died or lost its leader would otherwise outlive the
    /// acquisition by up to `unaryTimeout`, and the driver's drain with it.
    static func unaryOptions(until deadlineNanos: UInt64?) -> CallOptions {
        var options = unaryOptions
        if let deadlineNanos {
            let now = LockClock.monotonicNanos()
            let left = Duration.nanoseconds(deadlineNanos > now ? Int64(deadlineNanos - now) : 1)
            options.timeout = min(unaryTimeout, left)
        }
        return options
    }

    static var unaryOptions: CallOptions {
        var options = CallOptions.defaults
        options.timeout = unaryTimeout
        options.waitForReady = true
        return options
    }

    static var streamOptions: CallOptions {
        var options = CallOptions.defaults
        options.waitForReady = true
        return options
    }

    /// Runs `body`, reading what it throws as an `EtcdError` for `call`.
    func call<T: Sendable>(_ call: String, _ body: () async throws -> T) async throws(EtcdError) -> T {
        do {
            return try await body()
        } catch let error as EtcdError {
            throw error
        } catch {
            throw EtcdError.from(error, call: call, endpoints: endpointList)
        }
    }
}
