import Foundation
import Calibration
import Harness
import Locks
import RedisConnection
import Reports
import Stats

extension CalibrateCommand {
    /// Uncontended setnx-px acquire + release on one connection vs two `redis-benchmark -c 1` round trips.
    func lockCycleComparison(endpoint: Endpoint, benchmark: String, prefix: String, keyspace: Int, command: [String]) async throws {
        print("\nUncontended setnx-px cycle (acquire + Lua release), 1 connection (inline reply wait, as the driver), \(roundTrips) cycles per round, p50")
        var inlineWait = ConnectionOptions()
        inlineWait.inlineReplyWaitMicros = 1_000
        var nativeCycle: [Double] = [], hiredisCycle: [Double] = [], nativeAcquire: [Double] = [], hiredisAcquire: [Double] = []
        for round in 0..<rounds {
            var rb = 0.0
            var n = LockCycleResult(acquireUs: [], cycleUs: []), h = n
            for which in ClientOrder.rotation(round: round, count: 3) {
                switch which {
                case 0:
                    rb = try ReferenceBenchmark.run(executable: benchmark, endpoint: endpoint, clients: 1, pipeline: 1,
                                                    requests: roundTrips, keyspace: keyspace, command: command).p50Us
                case 1:
                    n = try await LockCycle.run(connector: ClientConnectors.connector(for: .native), endpoint: endpoint, cycles: roundTrips, keyPrefix: prefix + "n:", options: inlineWait)
                default:
                    h = try await LockCycle.run(connector: ClientConnectors.connector(for: .hiredis), endpoint: endpoint, cycles: roundTrips, keyPrefix: prefix + "h:", options: inlineWait)
                }
            }
            nativeCycle.append(n.cycleP50 / (2 * rb)); hiredisCycle.append(h.cycleP50 / (2 * rb))
            nativeAcquire.append(n.acquireP50 / rb); hiredisAcquire.append(h.acquireP50 / rb)
            print("  round \(round + 1): redis-benchmark p50 \(fmt(rb)) µs (2 round trips \(fmt(2 * rb)) µs)  native cycle \(fmt(n.cycleP50)) µs, acquire \(fmt(n.acquireP50)) µs  hiredis cycle \(fmt(h.cycleP50)) µs, acquire \(fmt(h.acquireP50)) µs")
        }
        print("  median ratios (lower is faster): cycle/2 RTT native \(fmt(Statistics.median(nativeCycle))) hiredis \(fmt(Statistics.median(hiredisCycle)));  acquire/1 RTT native \(fmt(Statistics.median(nativeAcquire))) hiredis \(fmt(Statistics.median(hiredisAcquire)))")
    }

    /// One contender through the driver (the "1 contender, 1 connection" figure) vs one
    /// `redis-benchmark -c 1` round trip of the same `SET NX PX` on fresh keys.
    func singleContenderComparison(endpoint: Endpoint, benchmark: String, prefix: String, keyspace: Int, command: [String]) async throws {
        print("\n1 contender, 1 connection, setnx-px through the load driver (spin, hold 0), 4 s windows: acquire p50 vs one redis-benchmark -c 1 round trip")
        var nativeRatio: [Double] = [], hiredisRatio: [Double] = [], nativeMean: [Double] = [], hiredisMean: [Double] = []
        for round in 0..<rounds {
            var reference: ReferenceResult?
            var n = 0.0, h = 0.0
            for which in ClientOrder.rotation(round: round, count: 3) {
                switch which {
                case 0:
                    reference = try ReferenceBenchmark.run(executable: benchmark, endpoint: endpoint, clients: 1, pipeline: 1,
                                                           requests: roundTrips, keyspace: keyspace, command: command)
                case 1:
                    n = try await SingleContenderWorkload.acquireP50(client: .native, endpoint: endpoint, durationS: 4, keyPrefix: prefix + "one-n:")
                default:
                    h = try await SingleContenderWorkload.acquireP50(client: .hiredis, endpoint: endpoint, durationS: 4, keyPrefix: prefix + "one-h:")
                }
            }
            guard let rb = reference else { continue }
            nativeRatio.append(n / rb.p50Us); hiredisRatio.append(h / rb.p50Us)
            nativeMean.append(n / rb.meanUs); hiredisMean.append(h / rb.meanUs)
            print("  round \(round + 1): redis-benchmark p50 \(fmt(rb.p50Us)) µs, mean \(fmt(rb.meanUs)) µs  native acquire p50 \(fmt(n)) µs  hiredis \(fmt(h)) µs")
        }
        print("  median ratios (lower is faster): acquire p50 / redis-benchmark p50: native \(fmt(Statistics.median(nativeRatio))) hiredis \(fmt(Statistics.median(hiredisRatio)));  "
              + "/ redis-benchmark mean: native \(fmt(Statistics.median(nativeMean))) hiredis \(fmt(Statistics.median(hiredisMean)))")
        print("  (redis-benchmark reports its p50 as the top of an 8 µs bucket at these values; its mean is exact)")
    }

    /// W1: many contenders on their own keys, acquire + release back to back, against redis-benchmark
    /// running the same two commands at the same connections and pipeline depth, doing the same work
    /// (see `CycleReference`), and, for comparison with earlier notes, on the contenders' own keys.
    func w1Comparison(endpoint: Endpoint, benchmark: String, prefix: String, native: any RedisConnection) async throws {
        let workload = CycleWorkload(tag: "w1", contenders: w1Contenders, connections: w1Connections, pipeline: 0)
        print("\nW1: \(w1Contenders) contenders on their own keys, setnx-px acquire + release, \(w1Connections) connections (≈ depth \(workload.depth)), 5 s windows")
        let setCommand = ["SET", prefix + "w1:__rand_int__", "token", "NX", "PX", "10000"]
        let releaseCommand = ["EVALSHA", LockScripts.compareAndDelete.sha1, "1", prefix + "w1:__rand_int__", "token"]
        var measured: [CycleRound] = [], nativeVsCheap: [Double] = []
        for round in 0..<rounds {
            var cheap = 0.0
            let figures = try await cycleRound(round, workload, endpoint: endpoint, benchmark: benchmark, prefix: prefix, native: native) {
                // The contenders' own keyspace: most SETs fail NX and most releases find no key.
                let set = try ReferenceBenchmark.run(executable: benchmark, endpoint: endpoint, clients: w1Connections, pipeline: workload.depth,
                                                     requests: requests, keyspace: w1Contenders, command: setCommand).requestsPerSecond
                let release = try ReferenceBenchmark.run(executable: benchmark, endpoint: endpoint, clients: w1Connections, pipeline: workload.depth,
                                                         requests: requests, keyspace: w1Contenders, command: releaseCommand).requestsPerSecond
                cheap = 1 / (1 / set + 1 / release)
            }
            nativeVsCheap.append(figures.native.cyclesPerSecond / cheap)
            print(roundLine(round, figures) + "  [on the contenders' keys: \(Int(cheap)) cycles/s]")
            print(cpuLine(figures))
            measured.append(figures)
        }
        printMedians(measured)
        print("  (native against redis-benchmark on the contenders' own keys, where its commands mostly fail fast: \(fmt(Statistics.median(nativeVsCheap))))")
    }
}

