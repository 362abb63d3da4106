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
            Three comparisons, each over interleaved rounds with the median of the paired ratios \
            reported (run-to-run noise on a shared machine is far larger than the differences measured):
              1. RESP decoding: native decoder vs hiredis's redisReader on the same bytes.
              2. One connection, SET key xxx NX PX 10000 pipelined at --depth: native and hiredis \
            commands/s vs redis-benchmark -c 1 -P depth running the same command.
              3. One connection, unpipelined: round-trip p50 vs redis-benchmark -c 1 -P 1.
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

    @Flag(help: "Skip the decoder comparison.")
    var skipDecode = false

    func validate() throws {
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be 1...100, not \(rounds).") }
        guard (1...10_000).contains(depth) else { throw ValidationError("--depth must be 1...10000, not \(depth).") }
        guard requests >= depth else { throw ValidationError("--requests must be at least --depth (\(depth)), not \(requests).") }
        guard roundTrips >= 100 else { throw ValidationError("--round-trips must be at least 100, not \(roundTrips).") }
        if let server {
            do { _ = try Endpoint(parsing: server) } catch { throw ValidationError("--server: \(error)") }
        }
    }

    func run() async throws {
        if !skipDecode { decodeComparison() }
        let benchmark: String
        do { benchmark = try ReferenceBenchmark.locate() } catch {
            printError("bench calibrate: \(error)")
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
                printError("bench calibrate: \(error)")
                throw ExitCode(2)
            }
        }
        do {
            try await networkComparison(endpoint: endpoint, benchmark: benchmark)
        } catch {
            await fleet?.stop()
            printError("bench calibrate: \(error)")
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
        defer { native.close(); hiredis.close() }

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

        print("\nOne connection, unpipelined round trips (\(roundTrips) per round), p50")
        var nativeP50: [Double] = [], hiredisP50: [Double] = []
        for round in 0..<rounds {
            var rb = 0.0, n = 0.0, h = 0.0
            for step in 0..<3 {
                switch (round + step) % 3 {
                case 0:
                    rb = try ReferenceBenchmark.run(executable: benchmark, endpoint: endpoint, clients: 1, pipeline: 1,
                                                    requests: roundTrips, keyspace: keyspace, command: command).p50Us
                case 1:
                    n = await ClientLoad.pipelinedSet(on: native, depth: 1, total: roundTrips, keyPrefix: prefix, keyspace: keyspace).p50Us ?? .nan
                default:
                    h = await ClientLoad.pipelinedSet(on: hiredis, depth: 1, total: roundTrips, keyPrefix: prefix, keyspace: keyspace).p50Us ?? .nan
                }
            }
            nativeP50.append(n / rb); hiredisP50.append(h / rb)
            print("  round \(round + 1): redis-benchmark p50 \(fmt(rb)) µs  native \(fmt(n)) µs  hiredis \(fmt(h)) µs")
        }
        print("  median p50 ratios (lower is faster): native/redis-benchmark \(fmt(median(nativeP50)))  hiredis/redis-benchmark \(fmt(median(hiredisP50)))")
        let deleted = try await native.deleteKeys(prefix: prefix)
        print("\nDeleted \(deleted) keys under \(prefix)")
    }
}

func fmt(_ value: Double) -> String {
    value.isFinite ? String(format: "%.2f", value) : "n/a"
}

/// Writes a line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
