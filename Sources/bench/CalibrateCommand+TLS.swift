import Calibration
import Harness
import Locks
import RedisConnection
import Stats

/// One round of the TLS comparison: the native client and redis-benchmark, each plain and over TLS,
/// against the same redis-server (its plain port and its tls-port).
struct TLSRound {
    struct Side {
        /// W1 through the driver: cycles/s and bench's CPU per cycle.
        var native: DriverCycles
        /// One contender through the driver: acquire p50, µs.
        var nativeAcquireP50: Double
        /// redis-benchmark doing W1's server work: its CPU per SET + EVALSHA pair.
        var reference: CycleReference
        /// redis-benchmark -c 1 -P 1 round trip p50, µs.
        var referenceP50: Double
    }
    var plain: Side
    var tls: Side

    var nativeCPU: Double { CycleRound.ratio(tls.native.clientCPUPerCycleUs, plain.native.clientCPUPerCycleUs) }
    var nativeRate: Double { tls.native.cyclesPerSecond / plain.native.cyclesPerSecond }
    var nativeP50: Double { tls.nativeAcquireP50 / plain.nativeAcquireP50 }
    var referenceCPU: Double { CycleRound.ratio(tls.reference.cpuPerCycleUs, plain.reference.cpuPerCycleUs) }
    var referenceP50: Double { tls.referenceP50 / plain.referenceP50 }
    var nativeVsReferenceCPU: Double { CycleRound.ratio(tls.native.clientCPUPerCycleUs, tls.reference.cpuPerCycleUs) }
    var nativeVsReferenceP50: Double { tls.nativeAcquireP50 / tls.referenceP50 }
}

extension CalibrateCommand {
    /// What TLS costs the native client, plain and TLS in interleaved rounds of one run, with
    /// redis-benchmark (plain and `--tls`) as the reference: client CPU per lock cycle (W1) and the
    /// acquire p50 of one contender.
    func tlsComparison(
        plain: Endpoint, tls: (endpoint: Endpoint, options: TLSOptions), benchmark: String, prefix: String, native: any RedisConnection
    ) async throws {
        let workload = CycleWorkload(tag: "tls", contenders: w1Contenders, connections: w1Connections, pipeline: 0)
        print("\nTLS cost: W1 (\(workload.contenders) contenders on their own keys, \(workload.connections) connections, 5 s windows) for client CPU per cycle, "
              + "and 1 contender (3 s windows) for acquire p50; native plain and TLS, redis-benchmark plain and --tls (same depth), interleaved")
        _ = try await native.call("SCRIPT", "LOAD", .string(LockScripts.compareAndDelete.source))
        var measured: [TLSRound] = []
        for round in 0..<rounds {
            var sides: [TLSRound.Side?] = [nil, nil]
            var natives: [(DriverCycles, Double)?] = [nil, nil]
            var references: [(CycleReference, Double)?] = [nil, nil]
            for which in ClientOrder.rotation(round: round, count: 4) {
                let secure = which % 2 == 1
                let endpoint = secure ? tls.endpoint : plain
                let options = secure ? tls.options : nil
                let tag = "\(workload.tag)\(secure ? "s" : "p")\(round):"
                if which < 2 {
                    let cycles = try await PipelinedLockWorkload.run(
                        client: .native, endpoint: endpoint, contenders: workload.contenders, connections: workload.connections,
                        durationS: 5, keyPrefix: prefix + tag + "w1:", tls: options)
                    let p50 = try await SingleContenderWorkload.acquireP50(client: .native, endpoint: endpoint, durationS: 3, keyPrefix: prefix + tag + "one:", tls: options)
                    natives[which] = (cycles, p50)
                } else {
                    let reference = try await CycleReference.measure(
                        executable: benchmark, endpoint: endpoint, connection: native, clients: workload.connections, pipeline: workload.depth,
                        requests: requests, prefix: prefix + tag + "ref:", releaseSHA: LockScripts.compareAndDelete.sha1, tls: options)
                    let rtt = try ReferenceBenchmark.run(
                        executable: benchmark, endpoint: endpoint, clients: 1, pipeline: 1, requests: roundTrips, keyspace: 1_000_000,
                        command: ["SET", prefix + tag + "rtt:__rand_int__", "xxx", "NX", "PX", "10000"], tls: options)
                    references[which - 2] = (reference, rtt.p50Us)
                }
            }
            for side in 0..<2 {
                guard let (cycles, p50) = natives[side], let (reference, rtt) = references[side] else { preconditionFailure("a rotation of 4 runs all four") }
                sides[side] = TLSRound.Side(native: cycles, nativeAcquireP50: p50, reference: reference, referenceP50: rtt)
            }
            let figures = TLSRound(plain: sides[0]!, tls: sides[1]!)
            measured.append(figures)
            print("  round \(round + 1): " + [("plain", figures.plain), ("TLS", figures.tls)].map { name, side in
                "\(name): native \(Int(side.native.cyclesPerSecond)) cycles/s, CPU \(fmt(side.native.clientCPUPerCycleUs)) µs/cycle, acquire p50 \(fmt(side.nativeAcquireP50)) µs; "
                    + "redis-benchmark CPU \(fmt(side.reference.cpuPerCycleUs)) µs/cycle, p50 \(fmt(side.referenceP50)) µs"
            }.joined(separator: "  |  "))
        }
        func m(_ figure: (TLSRound) -> Double) -> String { fmt(Statistics.median(measured.map(figure).filter(\.isFinite))) }
        print("  median paired ratios, TLS/plain: native client CPU per cycle \(m { $0.nativeCPU }), cycles/s \(m { $0.nativeRate }), "
              + "acquire p50 \(m { $0.nativeP50 });  redis-benchmark CPU per cycle \(m { $0.referenceCPU }), round-trip p50 \(m { $0.referenceP50 })")
        print("  median paired ratios under TLS, native/redis-benchmark --tls: client CPU per cycle \(m { $0.nativeVsReferenceCPU }), "
              + "acquire p50 / round-trip p50 \(m { $0.nativeVsReferenceP50 })")
    }
}
