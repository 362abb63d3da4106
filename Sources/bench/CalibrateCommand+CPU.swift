import Stats
import Calibration
import Harness
import Locks
import RedisConnection
import Reports

/// A lock-cycle load through the driver: contenders each on their own key, setnx-px acquire + release
/// back to back (spin, hold 0), over a few connections.
struct CycleWorkload {
    /// Tells the workload's keys apart under the run's prefix.
    var tag: String
    var contenders: Int
    var connections: Int
    /// Acquisitions in flight per connection (`--pipeline`; 0: no cap).
    var pipeline: Int

    /// The acquisitions one connection carries at once: the depth redis-benchmark runs at to match.
    var depth: Int {
        let perConnection = max(1, contenders / connections)
        return pipeline > 0 ? min(pipeline, perConnection) : perConnection
    }
}

/// One interleaved round: the C reference client doing the identical cycle (the anchor), redis-benchmark
/// doing the cycles' server work (context), and each client through the driver.
struct CycleRound {
    var c: CReferenceCycle
    var reference: CycleReference
    var native: DriverCycles
    var hiredis: DriverCycles

    var nativeVsC: Double { native.cyclesPerSecond / c.cyclesPerSecond }
    var hiredisVsC: Double { hiredis.cyclesPerSecond / c.cyclesPerSecond }
    var nativeRate: Double { native.cyclesPerSecond / reference.cyclesPerSecond }
    var hiredisRate: Double { hiredis.cyclesPerSecond / reference.cyclesPerSecond }
    var nativeVsHiredisRate: Double { native.cyclesPerSecond / hiredis.cyclesPerSecond }
    var nativeCPUVsC: Double { Self.ratio(native.clientCPUPerCycleUs, c.cpuPerCycleUs) }
    var hiredisCPUVsC: Double { Self.ratio(hiredis.clientCPUPerCycleUs, c.cpuPerCycleUs) }
    var nativeCPU: Double { Self.ratio(native.clientCPUPerCycleUs, reference.cpuPerCycleUs) }
    var hiredisCPU: Double { Self.ratio(hiredis.clientCPUPerCycleUs, reference.cpuPerCycleUs) }

    static func ratio(_ a: Double?, _ b: Double?) -> Double {
        guard let a, let b, b > 0 else { return .nan }
        return a / b
    }
}

extension CalibrateCommand {
    /// The pipelined run: 512 contenders on 512 keys, 2 connections, `--pipeline 256`.
    static let pipelinedWorkload = CycleWorkload(tag: "pl", contenders: 512, connections: 2, pipeline: 256)

    /// The pipelined run against redis-benchmark at the same connections and depth, doing the same work.
    func pipelinedComparison(endpoint: Endpoint, benchmark: String, prefix: String, native: any RedisConnection) async throws {
        let workload = Self.pipelinedWorkload
        print("\nPipelined: \(workload.contenders) contenders on their own keys, setnx-px acquire + release (spin, hold 0), "
              + "\(workload.connections) connections, --pipeline \(workload.pipeline), 5 s windows")
        var measured: [CycleRound] = []
        for round in 0..<rounds {
            let figures = try await cycleRound(round, workload, endpoint: endpoint, benchmark: benchmark, prefix: prefix, native: native)
            print(roundLine(round, figures))
            print(cpuLine(figures))
            measured.append(figures)
        }
        printMedians(measured)
    }

    /// One round of `workload` in rotating order: redis-benchmark's `CycleReference` (then
    /// `besideReference`, in the same slot), native and hiredis through the driver, the C reference.
    func cycleRound(
        _ round: Int, _ workload: CycleWorkload, endpoint: Endpoint, benchmark: String, prefix: String, native: any RedisConnection,
        besideReference: () async throws -> Void = {}
    ) async throws -> CycleRound {
        var reference: CycleReference?
        var n: DriverCycles?, h: DriverCycles?, c: CReferenceCycle?
        for which in ClientOrder.rotation(round: round, count: 4) {
            switch which {
            case 0:
                // The release script must be loaded for redis-benchmark's EVALSHA.
                _ = try await native.call("SCRIPT", "LOAD", .string(LockScripts.compareAndDelete.source))
                reference = try await CycleReference.measure(
                    executable: benchmark, endpoint: endpoint, connection: native, clients: workload.connections, pipeline: workload.depth,
                    requests: requests, prefix: prefix + workload.tag + "ref:", releaseSHA: LockScripts.compareAndDelete.sha1)
                try await besideReference()
            case 1:
                n = try await PipelinedLockWorkload.run(
                    client: .native, endpoint: endpoint, contenders: workload.contenders, connections: workload.connections,
                    pipeline: workload.pipeline, durationS: 5, keyPrefix: prefix + workload.tag + "n:")
            case 2:
                h = try await PipelinedLockWorkload.run(
                    client: .hiredis, endpoint: endpoint, contenders: workload.contenders, connections: workload.connections,
                    pipeline: workload.pipeline, durationS: 5, keyPrefix: prefix + workload.tag + "h:")
            default:
                c = try await PipelinedLockWorkload.cReference(
                    endpoint: endpoint, contenders: workload.contenders, connections: workload.connections,
                    pipeline: workload.pipeline, durationS: 5, keyPrefix: prefix + workload.tag + "c:")
            }
        }
        guard let reference, let n, let h, let c else { preconditionFailure("a rotation of 4 runs all four") }
        return CycleRound(c: c, reference: reference, native: n, hiredis: h)
    }

    /// A round's throughput, and the fractions of redis-benchmark's commands that did a cycle's real work.
    func roundLine(_ round: Int, _ figures: CycleRound) -> String {
        let r = figures.reference
        return "  round \(round + 1): C reference \(Int(figures.c.cyclesPerSecond)) cycles/s  native \(Int(figures.native.cyclesPerSecond))/s  "
            + "hiredis \(Int(figures.hiredis.cyclesPerSecond))/s  (context: redis-benchmark \(Int(r.cyclesPerSecond)) cycles/s (SET \(Int(r.setPerSecond))/s, \(HumanUnits.percent(r.setGranted)) granted; "
            + "release \(Int(r.releasePerSecond))/s, \(HumanUnits.percent(r.releaseDeleted)) deleted))"
    }

    /// A round's client CPU per acquire + release cycle: bench's process for the two clients, the C
    /// loop's threads for the C reference, redis-benchmark's own process for it.
    func cpuLine(_ figures: CycleRound) -> String {
        let r = figures.reference
        return "    client CPU per cycle: C reference \(us(figures.c.cpuPerCycleUs))  native \(us(figures.native.clientCPUPerCycleUs))  "
            + "hiredis \(us(figures.hiredis.clientCPUPerCycleUs))  (context: redis-benchmark \(us(r.cpuPerCycleUs)) (SET \(us(r.setCPUUs)) + EVALSHA \(us(r.releaseCPUUs)))  "
            + "native/redis-benchmark \(fmt(figures.nativeCPU)), hiredis/redis-benchmark \(fmt(figures.hiredisCPU)))"
    }

    /// Medians of the rounds' figures and of their paired ratios: against the C reference (the anchor:
    /// the identical cycle), then against redis-benchmark's combination (context: separate SET and
    /// release runs, a cheaper mix than a real cycle).
    func printMedians(_ measured: [CycleRound]) {
        func m(_ figure: (CycleRound) -> Double?) -> Double { Statistics.median(measured.compactMap(figure).filter(\.isFinite)) ?? .nan }
        func rate(_ figure: (CycleRound) -> Double) -> String { m(figure).isFinite ? "\(Int(m(figure)))/s" : "n/a" }
        print("  medians: C reference \(rate { $0.c.cyclesPerSecond }) (CPU \(us(m { $0.c.cpuPerCycleUs }))/cycle)  "
              + "native \(rate { $0.native.cyclesPerSecond }) (\(us(m { $0.native.clientCPUPerCycleUs }))/cycle)  "
              + "hiredis \(rate { $0.hiredis.cyclesPerSecond }) (\(us(m { $0.hiredis.clientCPUPerCycleUs }))/cycle)  "
              + "[redis-benchmark \(rate { $0.reference.cyclesPerSecond }), CPU \(us(m { $0.reference.cpuPerCycleUs }))/cycle]")
        print("  median ratios to the C reference (the same cycle, same contenders, keys, connections, depth): "
              + "cycles/s native/C \(fmt(m { $0.nativeVsC }))  hiredis/C \(fmt(m { $0.hiredisVsC }));  "
              + "client CPU per cycle (lower is cheaper) native/C \(fmt(m { $0.nativeCPUVsC }))  hiredis/C \(fmt(m { $0.hiredisCPUVsC }))")
        print("  context, redis-benchmark's SET and release runs combined: native/redis-benchmark \(fmt(m { $0.nativeRate }))  "
              + "hiredis/redis-benchmark \(fmt(m { $0.hiredisRate }))  native/hiredis \(fmt(m { $0.nativeVsHiredisRate }));  "
              + "CPU native/redis-benchmark \(fmt(m { $0.nativeCPU }))  hiredis/redis-benchmark \(fmt(m { $0.hiredisCPU }))")
    }
}

/// CPU µs with two places, `n/a` when not measured.
private func us(_ value: Double?) -> String {
    guard let value, value.isFinite else { return "n/a" }
    return fmt(value) + " µs"
}
