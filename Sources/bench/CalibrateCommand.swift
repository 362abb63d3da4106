import ArgumentParser
import Calibration
import Foundation
import HiredisClient
import NativeClient
import RedisConnection
import RedisFleet

/// `bench calibrate`: the clients' cost against references measured in the same run.
struct CalibrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Measure both clients against redis-benchmark and hiredis's reader, as ratios from one run.",
        discussion: """
            Each comparison runs interleaved rounds and reports the median of the paired ratios \
            (run-to-run noise on a shared machine is far larger than the differences measured):
              decode      RESP decoding: native decoder vs hiredis's redisReader on the same bytes.
              pipeline    One connection, SET NX PX pipelined at --depth: commands/s vs redis-benchmark -c 1 -P depth.
              rtt         One connection, unpipelined: round-trip p50 vs redis-benchmark -c 1 -P 1, with \
            Dispatch read sources and with the inline reply wait the driver uses for a lane with one socket.
              lock-cycle  Uncontended setnx-px acquire + release vs two redis-benchmark round trips.
              one         1 contender, 1 connection through the load driver: acquire p50 vs one round trip.
              w1          512 contenders on their own keys over 4 connections vs redis-benchmark doing \
            the same commands' work at the same connections and depth.
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

    @Option(help: ArgumentHelp("Comparisons to run: decode, pipeline, rtt, lock-cycle, one, w1 (comma-separated).", valueName: "list"))
    var workloads = "decode,pipeline,rtt,lock-cycle,one,w1"

    @Option(help: ArgumentHelp("W1: contenders (each on its own key).", valueName: "n"))
    var w1Contenders = 512

    @Option(help: ArgumentHelp("W1: connections.", valueName: "n"))
    var w1Connections = 4

    static let knownWorkloads: Set<String> = ["decode", "pipeline", "rtt", "lock-cycle", "one", "w1"]

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
        guard (1...100_000).contains(w1Contenders) else { throw ValidationError("--w1-contenders must be 1...100000, not \(w1Contenders).") }
        guard (1...256).contains(w1Connections) else { throw ValidationError("--w1-connections must be 1...256, not \(w1Connections).") }
    }

    func run() async throws {
        if selected.contains("decode") { decodeComparison() }
        guard !selected.isDisjoint(with: ["pipeline", "rtt", "lock-cycle", "one", "w1"]) else { return }
        let benchmark: String
        do { benchmark = try ReferenceBenchmark.locate() } catch {
            Terminal.error("bench calibrate: \(error)")
            throw ExitCode(2)
        }
        var fleet: RedisFleet?
        let endpoint: Endpoint
        if let server {
            endpoint = try Endpoint(parsing: server)
        } else {
            do {
                let started = try await RedisFleet.start(count: 1)
                fleet = started
                endpoint = started.endpoints[0]
            } catch {
                Terminal.error("bench calibrate: \(error)")
                throw ExitCode(2)
            }
        }
        do {
            try await networkComparison(endpoint: endpoint, benchmark: benchmark)
        } catch {
            await fleet?.stop()
            Terminal.error("bench calibrate: \(error)")
            throw ExitCode(2)
        }
        await fleet?.stop()
    }

    func decodeComparison() {
        print("RESP decoding, native vs hiredis redisReader on the same bytes (\(rounds) interleaved rounds, 16 KiB feeds)")
        for workload in [DecodeComparison.lockReplies(count: 500_000), DecodeComparison.largeBulks(count: 64, size: 1 << 20)] {
            let ratios = DecodeComparison.pairedRatios(workload, rounds: rounds)
            print("  \(workload.name): native speed = \(fmt(median(ratios)))× hiredis (paired ratios \(ratios.map(fmt).joined(separator: " ")))")
        }
    }

    func networkComparison(endpoint: Endpoint, benchmark: String) async throws {
        let runID = String(UInt64.random(in: 0...UInt64.max), radix: 36)
        let prefix = "lockbench:calibrate:\(runID):"
        let keyspace = 1_000_000
        let command = ["SET", prefix + "__rand_int__", "xxx", "NX", "PX", "10000"]
        let native = try await NativeConnector().connect(to: endpoint)
        let hiredis = try await HiredisConnector().connect(to: endpoint)
        var inline = ConnectionOptions()
        inline.inlineReplyWaitMicros = 1_000
        let nativeInline = try await NativeConnector().connect(to: endpoint, options: inline)
        let hiredisInline = try await HiredisConnector().connect(to: endpoint, options: inline)
        defer { native.close(); hiredis.close(); nativeInline.close(); hiredisInline.close() }
        if selected.contains("pipeline") {
            try await pipelineComparison(native: native, hiredis: hiredis, endpoint: endpoint, benchmark: benchmark,
                                         prefix: prefix, keyspace: keyspace, command: command)
        }
        if selected.contains("rtt") {
            try await roundTripComparison(native: native, hiredis: hiredis, nativeInline: nativeInline, hiredisInline: hiredisInline,
                                          endpoint: endpoint, benchmark: benchmark, prefix: prefix, keyspace: keyspace, command: command)
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
        let deleted = try await native.deleteKeys(prefix: prefix)
        print("\nDeleted \(deleted) keys under \(prefix)")
    }

    func pipelineComparison(
        native: any RedisConnection, hiredis: any RedisConnection, endpoint: Endpoint, benchmark: String,
        prefix: String, keyspace: Int, command: [String]
    ) async throws {
        print("\nOne connection, SET key xxx NX PX 10000, \(requests) commands at depth \(depth), server \(endpoint) (\(rounds) rounds)")
        var nativeVsRB: [Double] = [], hiredisVsRB: [Double] = [], nativeVsHiredis: [Double] = []
        for round in 0..<rounds {
            var rb = 0.0, n = 0.0, h = 0.0
            // Rotate the order so no one always runs first on a fresh server or last on a warm one.
            for step in 0..<3 {
                switch (round + step) % 3 {
                case 0:
                    rb = try ReferenceBenchmark.run(executable: benchmark, endpoint: endpoint, clients: 1, pipeline: depth,
                                                    requests: requests, keyspace: keyspace, command: command).requestsPerSecond
                case 1:
                    n = await ClientLoad.pipelinedSet(on: native, depth: depth, total: requests, keyPrefix: prefix, keyspace: keyspace).commandsPerSecond
                default:
                    h = await ClientLoad.pipelinedSet(on: hiredis, depth: depth, total: requests, keyPrefix: prefix, keyspace: keyspace).commandsPerSecond
                }
            }
            nativeVsRB.append(n / rb); hiredisVsRB.append(h / rb); nativeVsHiredis.append(n / h)
            print("  round \(round + 1): redis-benchmark \(Int(rb))/s  native \(Int(n))/s  hiredis \(Int(h))/s")
        }
        print("  median ratios: native/redis-benchmark \(fmt(median(nativeVsRB)))  hiredis/redis-benchmark \(fmt(median(hiredisVsRB)))  native/hiredis \(fmt(median(nativeVsHiredis)))")
    }

    func roundTripComparison(
        native: any RedisConnection, hiredis: any RedisConnection, nativeInline: any RedisConnection, hiredisInline: any RedisConnection,
        endpoint: Endpoint, benchmark: String, prefix: String, keyspace: Int, command: [String]
    ) async throws {
        print("\nOne connection, unpipelined round trips (\(roundTrips) per round), p50; \"inline\": replies awaited in poll(2) on the queue's thread")
        var ratios = Array(repeating: [Double](), count: 4)
        let clients = [native, nativeInline, hiredis, hiredisInline]
        for round in 0..<rounds {
            var rb = 0.0
            var p50 = Array(repeating: Double.nan, count: 4)
            for step in 0..<5 {
                let which = (round + step) % 5
                if which == 4 {
                    rb = try ReferenceBenchmark.run(executable: benchmark, endpoint: endpoint, clients: 1, pipeline: 1,
                                                    requests: roundTrips, keyspace: keyspace, command: command).p50Us
                } else {
                    p50[which] = await ClientLoad.pipelinedSet(on: clients[which], depth: 1, total: roundTrips, keyPrefix: prefix, keyspace: keyspace).p50Us ?? .nan
                }
            }
            for i in 0..<4 { ratios[i].append(p50[i] / rb) }
            print("  round \(round + 1): redis-benchmark p50 \(fmt(rb)) µs  native \(fmt(p50[0])) µs, inline \(fmt(p50[1])) µs  hiredis \(fmt(p50[2])) µs, inline \(fmt(p50[3])) µs")
        }
        print("  median p50 ratios to redis-benchmark (lower is faster): native \(fmt(median(ratios[0]))), inline \(fmt(median(ratios[1])))  "
              + "hiredis \(fmt(median(ratios[2]))), inline \(fmt(median(ratios[3])))")
    }
}

func fmt(_ value: Double) -> String {
    value.isFinite ? String(format: "%.2f", value) : "n/a"
}

