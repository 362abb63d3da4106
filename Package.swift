// swift-tools-version: 6.1
import PackageDescription

// One target per layer; each layer depends only on layers above it (see README "Layers").
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]
/// The measured path's layers: release builds skip the runtime exclusivity checks, which were 11% of
/// the client's CPU on a pipelined lock workload (`perf`: swift_beginAccess and its TLS lookups on every
/// stored-property mutation of the queue-confined classes). Debug builds, which run the tests, keep them.
let hotPath: [SwiftSetting] = strict + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "lockbench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bench", targets: ["bench"]),
        // For Benchmarks/ (a separate package that depends on this one by path): the layers its suites drive.
        .library(
            name: "LockbenchCore",
            targets: ["RESP", "POSIX", "RedisConnection", "NativeClient", "HiredisClient", "RedisCluster", "RedisFleet", "Locks", "LoadDriver", "BenchMetrics"]
        ),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        // etcd's v3 API is gRPC: the client runtime, its HTTP/2 transport over NIO, and protobuf messages.
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    ],
    targets: [
        .target(name: "RESP", swiftSettings: hotPath),
        .target(name: "POSIX", dependencies: [.product(name: "SystemPackage", package: "swift-system")], swiftSettings: strict),
        .target(name: "RedisConnection", dependencies: ["RESP", "POSIX"], swiftSettings: strict),
        // System OpenSSL 3 from /usr/include (libssl-dev), linked as ssl + crypto, for the native client's TLS;
        // declared like CHiredis (no pkg-config), with a shim for the macros Swift cannot import.
        .systemLibrary(name: "CTLS"),
        .target(name: "NativeClient", dependencies: ["RESP", "RedisConnection", "POSIX", "CTLS"], swiftSettings: hotPath),
        // hiredis from /usr/include (libhiredis-dev; Scripts/bootstrap installs it). Not through pkg-config:
        // its Cflags carry -D_FILE_OFFSET_BITS=64, which SwiftPM rejects with a warning on every build,
        // and which changes nothing on 64-bit Linux (off_t is already 64 bits; no hiredis struct has one).
        .systemLibrary(name: "CHiredis"),
        // A reference client in C (hiredis, its own poll loop): the lock cycle with no Swift code in its
        // path, so a slowdown in the shared Swift layers shows against it (Calibration.CReferenceCycle).
        .target(name: "CLockCycle", dependencies: ["CHiredis"], linkerSettings: [.linkedLibrary("hiredis"), .linkedLibrary("pthread")]),
        // Cluster routing, once for both clients: hash slots, the slot map, MOVED/ASK/TRYAGAIN, over any
        // client's connections.
        .target(name: "RedisCluster", dependencies: ["RESP", "RedisConnection"], swiftSettings: hotPath),
        .target(name: "HiredisClient", dependencies: ["RESP", "RedisConnection", "POSIX", "CHiredis"], swiftSettings: hotPath),
        // The single-threaded ZooKeeper C client from /usr/include/zookeeper (libzookeeper-st-dev; Scripts/bootstrap
        // installs it), declared like CHiredis.
        .systemLibrary(name: "CZooKeeper"),
        // A Dispatch adapter over it and the zk-recipe lock as a LockStoreSession.
        .target(name: "ZooKeeperClient", dependencies: ["CZooKeeper", "Locks", "RedisConnection", "POSIX"], swiftSettings: strict),
        .target(name: "RedisFleet", dependencies: ["RESP", "POSIX", "RedisConnection"], swiftSettings: strict),
        // Code generated from Protos/etcd by Scripts/generate-etcd-protos and committed: CI runs no generator.
        .target(
            name: "EtcdProto",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"), .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        // The etcd v3 client (lease, KV, watch, v3lock over gRPC) and the etcd lock recipes as LockStoreSessions.
        .target(
            name: "EtcdClient",
            dependencies: [
                "EtcdProto", "Locks", "RedisConnection", "POSIX",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Pure statistics (median, percentile, bootstrap, knee): no I/O, no dependency.
        .target(name: "Stats", swiftSettings: strict),
        .target(
            name: "Calibration",
            dependencies: ["RESP", "POSIX", "RedisConnection", "HiredisClient", "CLockCycle", "Locks", "LoadDriver", "BenchMetrics", "Stats", "Harness"],
            swiftSettings: strict
        ),
        .target(name: "Locks", dependencies: ["RESP", "POSIX", "RedisConnection"], swiftSettings: hotPath),
        // zlib from /usr/include (zlib1g-dev; Scripts/bootstrap installs it), declared like CHiredis: the
        // DEFLATE inside HdrHistogram's compressed histogram encoding.
        .systemLibrary(name: "CZlib"),
        // HdrHistogram interval logs (.hlog): the V2 compressed histogram codec, the log writer and reader.
        .target(name: "HdrLog", dependencies: ["CZlib", .product(name: "Histogram", package: "hdrhistogram-swift")], swiftSettings: strict),
        .target(
            name: "BenchMetrics",
            dependencies: ["POSIX", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: hotPath
        ),
        .target(name: "LoadDriver", dependencies: ["RESP", "RedisConnection", "RedisCluster", "Locks", "BenchMetrics"], swiftSettings: hotPath),
        // The only layer that turns a Scenario into a RunResult: servers, client per kind, rounds, Ctrl-C.
        .target(
            name: "Harness",
            dependencies: [
                "RESP", "POSIX", "RedisConnection", "NativeClient", "HiredisClient", "RedisCluster", "RedisFleet", "Locks", "LoadDriver",
                "BenchMetrics", "Stats", "EtcdClient", "ZooKeeperClient",
            ],
            swiftSettings: strict
        ),
        .target(name: "Reports", dependencies: ["POSIX", "RedisConnection", "Locks", "LoadDriver", "BenchMetrics", "Stats", "HdrLog"], swiftSettings: strict),
        // The SVG plotting kit and the HTML report, drawn from Reports' models.
        .target(name: "Plots", dependencies: ["Reports", "Stats", "BenchMetrics"], swiftSettings: strict),
        .target(
            name: "Gate",
            dependencies: [
                "RedisConnection", "Locks", "LoadDriver", "BenchMetrics", "Reports", "Stats", "Harness", "Calibration",
                // The user's gate plan (Gate/Plan) is YAML; Yams keeps each node's line for the errors.
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Sweep",
            dependencies: ["POSIX", "RedisConnection", "Locks", "LoadDriver", "BenchMetrics", "Reports", "Harness"],
            swiftSettings: strict
        ),
        .target(
            name: "Chaos",
            dependencies: ["RESP", "POSIX", "RedisConnection", "RedisCluster", "RedisFleet", "Locks", "LoadDriver", "BenchMetrics", "Harness", "Reports", "Stats"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench",
            dependencies: [
                "RedisConnection", "RedisFleet", "Locks", "LoadDriver", "BenchMetrics", "Harness", "Reports", "Plots", "Stats",
                "Calibration", "Gate", "Sweep", "Chaos",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Shared by the test targets (test targets cannot share files): real redis-servers, the bench
        // binary spawned as a user would, collectors.
        .target(
            name: "TestSupport",
            dependencies: ["RESP", "POSIX", "RedisConnection", "NativeClient", "HiredisClient", "RedisFleet", "Harness"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "RESPTests", dependencies: ["RESP"], swiftSettings: strict),
        .testTarget(name: "POSIXTests", dependencies: ["POSIX"], swiftSettings: strict),
        .testTarget(
            name: "ClientTests",
            dependencies: ["TestSupport", "RESP", "RedisConnection", "NativeClient", "HiredisClient", "RedisFleet"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "LocksTests",
            dependencies: ["TestSupport", "Locks", "RESP", "RedisConnection", "NativeClient", "HiredisClient", "RedisFleet"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RedisClusterTests",
            dependencies: ["TestSupport", "RedisCluster", "RESP", "RedisConnection", "RedisFleet", "Harness", "LoadDriver", "Locks"],
            swiftSettings: strict
        ),
        .testTarget(name: "BenchMetricsTests", dependencies: ["BenchMetrics", .product(name: "Histogram", package: "hdrhistogram-swift")], swiftSettings: strict),
        .testTarget(name: "HdrLogTests", dependencies: ["HdrLog", .product(name: "Histogram", package: "hdrhistogram-swift")], swiftSettings: strict),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Plots", "Stats", "LoadDriver", "BenchMetrics", "Locks", "RedisConnection"], swiftSettings: strict),
        .testTarget(name: "StatsTests", dependencies: ["Stats", "Locks"], swiftSettings: strict),
        .testTarget(
            name: "LoadDriverTests",
            dependencies: ["TestSupport", "LoadDriver", "Locks", "BenchMetrics", "RESP", "RedisConnection", "NativeClient", "HiredisClient", "RedisFleet"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BenchCLITests",
            dependencies: [
                "TestSupport", "Reports", "RedisFleet", "RedisConnection", "NativeClient", "RESP", "HdrLog", "BenchMetrics",
                // deploy/kubernetes/job.yaml is parsed as Kubernetes would read it.
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "HarnessTests",
            dependencies: ["TestSupport", "Harness", "LoadDriver", "Locks", "RESP", "RedisConnection", "RedisFleet"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "EtcdTests",
            dependencies: [
                "EtcdClient", "EtcdProto", "Locks", "RedisFleet", "RedisConnection", "POSIX",
                // A bare gRPC server (no services) stands in for a server without v3lock.
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2Posix", package: "grpc-swift-nio-transport"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "RedisFleetTests", dependencies: ["TestSupport", "RedisFleet", "POSIX", "RedisConnection", "RESP"], swiftSettings: strict),
        .testTarget(name: "SweepTests", dependencies: ["TestSupport", "Sweep", "Harness", "Reports", "LoadDriver", "BenchMetrics", "Locks", "RedisConnection"], swiftSettings: strict),
        .testTarget(
            name: "GateTests",
            dependencies: ["TestSupport", "Gate", "Calibration", "Reports", "Stats", "LoadDriver", "BenchMetrics", "Locks", "RedisConnection"],
            swiftSettings: strict
        ),
        .testTarget(name: "ZooKeeperTests", dependencies: ["TestSupport", "RedisFleet", "RedisConnection", "POSIX", "ZooKeeperClient", "Locks"], swiftSettings: strict),
        .testTarget(
            name: "ChaosTests",
            dependencies: ["TestSupport", "Chaos", "LoadDriver", "Reports", "Locks", "RedisFleet", "RedisConnection", "RESP"],
            swiftSettings: strict
        ),
    ]
)
