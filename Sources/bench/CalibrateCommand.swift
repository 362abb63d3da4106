import ArgumentParser
import Calibration
import Foundation
import Harness
import RedisConnection
import RedisFleet
import Stats

/// `bench calibrate`: the clients' cost against references measured in the same run.
struct CalibrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure both clients against a C reference client, redis-benchmark and hiredis's reader, as ratios from one run.",
        discussion: """
            Each comparison runs interleaved rounds and reports the median of the paired ratios \
            (run-to-run noise on a shared machine is far larger than the differences measured):
              decode      RESP decoding: native decoder vs hiredis's redisReader on the same bytes.
              pipeline    One connection, SET NX PX pipelined at --depth: commands/s vs redis-benchmark -c 1 -P depth.
              rtt         One connection, unpipelined: round-trip p50 vs redis-benchmark -c 1 -P 1, with \
            Dispatch read sources and with the inline reply wait the driver uses for a lane with one socket.
              lock-cycle  Uncontended setnx-px acquire + release vs two redis-benchmark round trips.
              one         1 contender, 1 connection through the load driver: acquire p50 vs one round trip.
              w1          512 contenders on their own keys over 4 connections vs a C hiredis client \
            running the identical cycle (same contenders, keys, connections, depth); redis-benchmark \
            doing the same commands' work in separate SET and release runs is printed as context.
              pipelined   512 contenders on their own keys, 2 connections, --pipeline 256, the same way.
              tls         What TLS costs (not in the default list): W1's client CPU per cycle and one \
            contender's acquire p50, native plain vs native TLS, with redis-benchmark plain and --tls as the \
            reference, on one embedded redis-server serving both (certificates made for the run).
            w1 and pipelined also report client CPU per acquire + release cycle (bench's own process) \
            against the C client's threads and redis-benchmark's CPU per SET + EVALSHA pair.
            Starts its own redis-server unless --server is given; keys live under a run-unique prefix \
            and are deleted at the end.
            """
    )

    @Option(help: ArgumentHelp("Interleaved rounds per comparison.", valueName: "n"))
    var rounds = 5

    @Option(help: ArgumentHelp("Pipeline depth for the throughput comparison.", valueName: "n"))
    var depth = 64

    @Option(help: ArgumentHelp("Commands per pipelined round.", valueName: "n"))
    var requests = 200_000

    @Option(help: ArgumentHelp("Round trips per unpipelined round.", valueName: "n"))
    var roundTrips = 20_000

    @Option(help: ArgumentHelp("An existing server (host:port or unix:path) instead of a local one.", valueName: "endpoint"))
    var server: String?

    @Option(help: ArgumentHelp("Comparisons to run: decode, pipeline, rtt, lock-cycle, one, w1, pipelined, tls (comma-separated).", valueName: "list"))
    var workloads = "decode,pipeline,rtt,lock-cycle,one,w1,pipelined"

    @Option(help: ArgumentHelp("W1: contenders (each on its own key).", valueName: "n"))
    var w1Contenders = 512

    @Option(help: ArgumentHelp("W1: connections.", valueName: "n"))
    var w1Connections = 4

    static let knownWorkloads: Set<String> = ["decode", "pipeline", "rtt", "lock-cycle", "one", "w1", "pipelined", "tls"]

    var selected: Set<String> { Set(workloads.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }) }

    func validate() throws {
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be 1...100, not \(rounds).") }
        guard (1...10_000).contains(depth) else { throw ValidationError("--depth must be 1...10000, not \(depth).") }
        guard requests >= depth else { throw ValidationError("--requests must be at least --depth (\(depth)), not \(requests).") }
        guard roundTrips >= 100 else { throw ValidationError("--round-trips must be at least 100, not \(roundTrips).") }
        if let server {
            do { _ = try Endpoint(parsing: server) } catch { throw ValidationError("--server: \(error)") }
        }
        let unknown = selected.subtracting(Self.knownWorkloads)
        guard unknown.isEmpty else {
            throw ValidationError("--workloads: unknown \(unknown.sorted().joined(separator: ", ")); use \(Self.knownWorkloads.sorted().joined(separator: ", ")).")
        }
        if server != nil && selected.contains("tls") {
            throw ValidationError("--workloads tls compares one server's plain and TLS ports, so it runs on its own embedded redis-server: drop --server.")
        }
        guard (1...100_000).contains(w1Contenders) else { throw ValidationError("--w1-contenders must be 1...100000, not \(w1Contenders).") }
        guard (1...256).contains(w1Connections) else { throw ValidationError("--w1-connections must be 1...256, not \(w1Connections).") }
    }

    func run() async throws {
        if selected.contains("decode") { decodeComparison() }
        guard !selected.isDisjoint(with: ["pipeline", "rtt", "lock-cycle", "one", "w1", "pipelined", "tls"]) else { return }
        let benchmark: String
        do { benchmark = try ReferenceBenchmark.locate() } catch {
            throw Terminal.environmentError("calibrate", error)
        }
        var fleet: RedisFleet?
        let endpoint: Endpoint
        if let server {
            endpoint = try Endpoint(parsing: server)
        } else {
            do {
                let started = try await RedisFleet.start(count: 1, options: RedisServerOptions(tls: selected.contains("tls") ? ServerTLS() : nil))
                fleet = started
                endpoint = started.endpoints[0]
            } catch {
                throw Terminal.environmentError("calibrate", error)
            }
        }
        do {
            let tls = fleet.flatMap { fleet in fleet.certificates.map { (endpoint: fleet.tlsEndpoints[0], options: $0.clientOptions) } }
            try await networkComparison(endpoint: endpoint, benchmark: benchmark, tls: tls)
        } catch {
            await fleet?.stop()
            throw Terminal.environmentError("calibrate", error)
        }
        await fleet?.stop()
    }

    func decodeComparison() {
        print("RESP decoding, native vs hiredis redisReader on the same bytes (\(rounds) interleaved rounds, 16 KiB feeds)")
        for workload in [DecodeComparison.lockReplies(count: 500_000), DecodeComparison.largeBulks(count: 64, size: 1 << 20)] {
            let ratios = DecodeComparison.pairedRatios(workload, rounds: rounds)
            print("  \(workload.name): native speed = \(fmt(Statistics.median(ratios)))× hiredis (paired ratios \(ratios.map(fmt).joined(separator: " ")))")
        }
    }

    func networkComparison(endpoint: Endpoint, benchmark: String, tls: (endpoint: Endpoint, options: TLSOptions)? = nil) async throws {
        let runID = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let prefix = "lockbench:calibrate:\(runID):"
        let keyspace = 1_000_000
        let command = ["SET", prefix + "__rand_int__", "xxx", "NX", "PX", "10000"]
        let native = try await ClientConnectors.connector(for: .native).connect(to: endpoint)
        let hiredis = try await ClientConnectors.connector(for: .hiredis).connect(to: endpoint)
        var inline = ConnectionOptions()
        inline.inlineReplyWaitMicros = 1_000
        let nativeInline = try await ClientConnectors.connector(for: .native).connect(to: endpoint, options: inline)
        let hiredisInline = try await ClientConnectors.connector(for: .hiredis).connect(to: endpoint, options: inline)
        defer { native.close(); hiredis.close(); nativeInline.close(); hiredisInline.close() }
        let transports = Transports(native: native, nativeInline: nativeInline, hiredis: hiredis, hiredisInline: hiredisInline)
        if selected.contains("pipeline") {
            try await transportComparison(
                "One connection, SET key xxx NX PX 10000, \(requests) commands at depth \(depth), commands/s", transports: transports,
                endpoint: endpoint, benchmark: benchmark, prefix: prefix, keyspace: keyspace, command: command,
                depth: depth, total: requests, unit: "/s", lowerIsBetter: false,
                reference: { $0.requestsPerSecond }, figure: { $0.commandsPerSecond })
        }
        if selected.contains("rtt") {
            try await transportComparison(
                "One connection, unpipelined round trips (\(roundTrips) per round), p50", transports: transports,
                endpoint: endpoint, benchmark: benchmark, prefix: prefix, keyspace: keyspace, command: command,
                depth: 1, total: roundTrips, unit: "µs", lowerIsBetter: true,
                reference: { $0.p50Us }, figure: { $0.p50Us ?? .nan })
        }
        if selected.contains("lock-cycle") {
            try await lockCycleComparison(endpoint: endpoint, benchmark: benchmark, prefix: prefix, keyspace: keyspace, command: command)
        }
        if selected.contains("one") {
            try await singleContenderComparison(endpoint: endpoint, benchmark: benchmark, prefix: prefix, keyspace: keyspace, command: command)
        }
        if selected.contains("w1") {
            try await w1Comparison(endpoint: endpoint, benchmark: benchmark, prefix: prefix, native: native)
        }
        if selected.contains("pipelined") {
            try await pipelinedComparison(endpoint: endpoint, benchmark: benchmark, prefix: prefix, native: native)
        }
        if let tls, selected.contains("tls") {
            try await tlsComparison(plain: endpoint, tls: tls, benchmark: benchmark, prefix: prefix, native: native)
        }
        let deleted = try await native.deleteKeys(prefix: prefix)
        print("\nDeleted \(deleted) keys under \(prefix)")
    }

    /// The four client transports of one comparison: each client with Dispatch read sources and with
    /// the inline reply wait.
    struct Transports {
        var native: any RedisConnection
        var nativeInline: any RedisConnection
        var hiredis: any RedisConnection
        var hiredisInline: any RedisConnection
        var all: [any RedisConnection] { [native, nativeInline, hiredis, hiredisInline] }
    }

    /// One connection at `depth`: each transport against `redis-benchmark -c 1 -P depth` on the same
    /// command, in rotating order per round; `figure` picks throughput or p50 from each.
    func transportComparison(
        _ title: String, transports: Transports, endpoint: Endpoint, benchmark: String, prefix: String, keyspace: Int,
        command: [String], depth: Int, total: Int, unit: String, lowerIsBetter: Bool,
        reference: (ReferenceResult) -> Double, figure: (ClientLoadResult) -> Double
    ) async throws {
        print("\n" + title + "; \"inline\": replies awaited in poll(2) on the queue's thread, as the driver does for a queue with one connection")
        var ratios = Array(repeating: [Double](), count: 4)
        for round in 0..<rounds {
            var rb = Double.nan
            var got = Array(repeating: Double.nan, count: 4)
            for which in ClientOrder.rotation(round: round, count: 5) {
                if which == 4 {
                    rb = reference(try ReferenceBenchmark.run(executable: benchmark, endpoint: endpoint, clients: 1, pipeline: depth,
                                                              requests: total, keyspace: keyspace, command: command))
                } else {
                    got[which] = figure(await ClientLoad.pipelinedSet(on: transports.all[which], depth: depth, total: total, keyPrefix: prefix, keyspace: keyspace))
                }
            }
            for i in 0..<4 { ratios[i].append(got[i] / rb) }
            let show = { (value: Double) in unit == "/s" ? (value.isFinite ? "\(Int(value))/s" : "n/a") : fmt(value) + " " + unit }
            let text = got.map(show)
            print("  round \(round + 1): redis-benchmark \(show(rb))  native \(text[0]), inline \(text[1])  hiredis \(text[2]), inline \(text[3])")
        }
        let m = ratios.map { fmt(Statistics.median($0)) }
        print("  median ratios to redis-benchmark (\(lowerIsBetter ? "lower" : "higher") is faster): native \(m[0]), inline \(m[1])  hiredis \(m[2]), inline \(m[3])")
    }
}

/// Two decimals, or `n/a` for no value (an empty sample's median) or a non-finite one.
func fmt(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "n/a" }
    return String(format: "%.2f", value)
}

