import ArgumentParser
import Foundation
import LoadDriver
import RedisConnection
import RedisFleet

/// `bench servers`: starts local redis-servers for manual runs and scripts, and stops them on Ctrl-C.
///
/// Endpoints go to stdout, one per line, and everything else to stderr, so
/// `bench servers --count 3 > endpoints.txt &` leaves a file a script can read as it is. With
/// `--topology`, each line starts with the endpoint and goes on with the node's role.
struct ServersCommand: AsyncParsableCommand {
    /// The subcommand's name and help.
    static let configuration = CommandConfiguration(
        commandName: "servers",
        abstract: "Start local redis-server processes and keep them running until Ctrl-C.",
        discussion: """
            Each server listens on a free loopback port (or a Unix socket with --unix), keeps no data \
            on disk, and has its own temporary directory, removed when it stops. Endpoints are printed \
            to stdout, one per line. --topology starts a Redis Cluster or a primary with replicas and \
            3 Sentinels instead, and prints each node's endpoint, then its role: a cluster node's id and \
            slot ranges (or the primary it follows), the Sentinels' master name. Exits 2 when a server \
            cannot be started or does not answer.
            """
    )

    /// How many servers to start.
    @Option(help: ArgumentHelp("Number of independent servers to start (1...64; default 1).", valueName: "n"))
    var count: Int?

    /// A cluster or a Sentinel-watched primary instead of independent servers.
    @Option(help: ArgumentHelp("Start \(TopologyChoice.forms) instead of independent servers.", valueName: "shape"),
            transform: TopologyChoice.argument)
    var topology: TopologyChoice?

    /// Listen on Unix sockets instead of loopback TCP.
    @Flag(help: "Listen on Unix sockets in the servers' temporary directories instead of loopback TCP.")
    var unix = false

    @Flag(help: "Also serve TLS, with a CA and certificates made for this run (paths printed to stderr); stdout lists the TLS endpoints.")
    var tls = false

    /// Smoke check: ping once, print, stop, exit.
    @Flag(help: "Ping each server once, print the replies, stop the servers and exit.")
    var ping = false

    /// A redis-server other than the one on PATH.
    @Option(name: .customLong("redis-server"), help: ArgumentHelp("The redis-server binary to run instead of the one on PATH.", valueName: "path"))
    var redisServer: String?

    /// Rejects counts the fleet is not meant for.
    func validate() throws {
        if let count, !(1...64).contains(count) {
            throw ValidationError("--count must be between 1 and 64, not \(count).")
        }
        if tls && unix { throw ValidationError("--unix --tls: redis-server serves TLS on TCP only; drop --unix.") }
        guard let topology else { return }
        if count != nil {
            throw ValidationError("--count and --topology are alternatives: --topology \(topology) sets its own number of servers.")
        }
        if topology != .standalone && unix {
            throw ValidationError("--unix cannot serve --topology \(topology): cluster nodes talk over the TCP cluster bus and Sentinels dial servers by host and port. Drop --unix.")
        }
    }

    /// Starts what the flags ask for.
    private func start(_ options: RedisServerOptions) async throws(FleetError) -> RunningTopology {
        switch topology ?? .standalone {
        case .standalone:
            return .standalone(try await RedisFleet.start(count: count ?? 1, options: options))
        case .cluster(let primaries, let replicas):
            return .cluster(try await RedisFleet.startCluster(primaries: primaries, replicasPerPrimary: replicas, options: options))
        case .sentinel(let replicas):
            return .sentinel(try await RedisFleet.startSentinelTopology(replicas: replicas, sentinels: TopologyChoice.sentinelCount, options: options))
        }
    }

    /// Starts the fleet, then pings it (`--ping`) or waits for SIGINT/SIGTERM/SIGHUP and stops it.
    func run() async throws {
        // Take over the signals before starting, so a Ctrl-C during start is not the default
        // "kill everything and exit 130" but a request this command honours once start returns.
        let (signals, signalContinuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        RedisFleet.setInterruptHandler { signal in signalContinuation.yield(signal) }

        let options = RedisServerOptions(transport: unix ? .unix : .tcp, executable: redisServer, tls: tls ? ServerTLS() : nil)
        let fleet: RunningTopology
        do {
            fleet = try await start(options)
        } catch {
            throw Terminal.environmentError("servers", error)
        }

        if ping {
            var failures = 0
            for endpoint in fleet.allEndpoints {
                do {
                    let reply = try RedisProbe.ping(endpoint, timeoutMs: 1_000)
                    print("\(endpoint) \(reply.hasPrefix("+") ? String(reply.dropFirst()) : reply)")
                } catch {
                    Terminal.error("bench servers: \(error)")
                    failures += 1
                }
            }
            await fleet.stop()
            if failures > 0 { throw ExitCode(2) }
            return
        }

        for line in fleet.lines { print(line) }
        let count = fleet.allEndpoints.count
        let shape = topology.map { $0 == .standalone ? "" : " as \($0)" } ?? ""
        Terminal.error("redis-server \(fleet.redisVersion): \(count) server\(count == 1 ? "" : "s")\(shape) on \(unix ? "Unix sockets" : "127.0.0.1"). Press Ctrl-C to stop.")
        if let files = fleet.certificates {
            Terminal.error("TLS: --cacert \(files.caCertificate) --cert \(files.clientCertificate) --key \(files.clientKey) (the plain ports are for lockbench's own probes)")
        }
        // stdout is block-buffered into a pipe or file, and a script waiting for the endpoints must get them now.
        // fflush(nil) flushes every stream without touching the `stdout` global, which Swift 6 rejects.
        fflush(nil)

        var iterator = signals.makeAsyncIterator()
        let signal = await iterator.next() ?? SIGTERM
        Terminal.error("bench servers: signal \(signal), stopping \(count) server\(count == 1 ? "" : "s").")
        await fleet.stop()
    }
}
