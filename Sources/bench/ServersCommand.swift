import ArgumentParser
import Foundation
import RedisConnection
import RedisFleet

/// `bench servers`: starts local redis-servers for manual runs and scripts, and stops them on Ctrl-C.
///
/// Endpoints go to stdout, one per line, and everything else to stderr, so
/// `bench servers --count 3 > endpoints.txt &` leaves a file a script can read as it is.
struct ServersCommand: AsyncParsableCommand {
    /// The subcommand's name and help.
    static let configuration = CommandConfiguration(
        commandName: "servers",
        abstract: "Start local redis-server processes and keep them running until Ctrl-C.",
        discussion: """
            Each server listens on a free loopback port (or a Unix socket with --unix), keeps no data \
            on disk, and has its own temporary directory, removed when it stops. Endpoints are printed \
            to stdout, one per line. Exits 2 when a server cannot be started or does not answer.
            """
    )

    /// How many servers to start.
    @Option(help: ArgumentHelp("Number of servers to start (1...64).", valueName: "n"))
    var count = 1

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
        guard (1...64).contains(count) else {
            throw ValidationError("--count must be between 1 and 64, not \(count).")
        }
        if tls && unix { throw ValidationError("--unix --tls: redis-server serves TLS on TCP only; drop --unix.") }
    }

    /// Starts the fleet, then pings it (`--ping`) or waits for SIGINT/SIGTERM/SIGHUP and stops it.
    func run() async throws {
        // Take over the signals before starting, so a Ctrl-C during start is not the default
        // "kill everything and exit 130" but a request this command honours once start returns.
        let (signals, signalContinuation) = AsyncStream<Int32>.makeStream(bufferingPolicy: .bufferingNewest(1))
        RedisFleet.setInterruptHandler { signal in signalContinuation.yield(signal) }

        let options = RedisServerOptions(transport: unix ? .unix : .tcp, executable: redisServer, tls: tls ? ServerTLS() : nil)
        let fleet: RedisFleet
        do {
            fleet = try await RedisFleet.start(count: count, options: options)
        } catch {
            throw Terminal.environmentError("servers", error)
        }

        if ping {
            var failures = 0
            for endpoint in fleet.endpoints {
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

        for endpoint in tls ? fleet.tlsEndpoints : fleet.endpoints { print(endpoint) }
        if let files = fleet.certificates {
            Terminal.error("TLS: --cacert \(files.caCertificate) --cert \(files.clientCertificate) --key \(files.clientKey) (plain ports for probes: \(fleet.endpoints.map(\.description).joined(separator: " ")))")
        }
        Terminal.error("redis-server \(fleet.redisVersion): \(count) server\(count == 1 ? "" : "s") on \(unix ? "Unix sockets" : "127.0.0.1"). Press Ctrl-C to stop.")
        // stdout is block-buffered into a pipe or file, and a script waiting for the endpoints must get them now.
        // fflush(nil) flushes every stream without touching the `stdout` global, which Swift 6 rejects.
        fflush(nil)

        var iterator = signals.makeAsyncIterator()
        let signal = await iterator.next() ?? SIGTERM
        Terminal.error("bench servers: signal \(signal), stopping \(count) server\(count == 1 ? "" : "s").")
        await fleet.stop()
    }
}
