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
            targets: ["RESP", "RedisConnection", "NativeClient", "HiredisClient", "RedisFleet", "Locks", "LoadDriver", "BenchMetrics"]
        ),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .target(name: "RESP", swiftSettings: hotPath),
        .target(name: "RedisConnection", dependencies: ["RESP"], swiftSettings: strict),
        .target(name: "POSIXSocket", swiftSettings: strict),
        .target(name: "NativeClient", dependencies: ["RESP", "RedisConnection", "POSIXSocket"], swiftSettings: hotPath),
        .systemLibrary(
            name: "CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),
        .target(name: "HiredisClient", dependencies: ["RESP", "RedisConnection", "POSIXSocket", "CHiredis"], swiftSettings: hotPath),
        .target(name: "RedisFleet", dependencies: ["RESP", "RedisConnection"], swiftSettings: strict),
        .target(
            name: "Calibration",
            dependencies: ["RESP", "RedisConnection", "NativeClient", "HiredisClient", "RedisFleet", "Locks", "LoadDriver", "BenchMetrics"],
            swiftSettings: strict
        ),
        .target(name: "Locks", dependencies: ["RESP", "RedisConnection"], swiftSettings: hotPath),
        .target(
            name: "BenchMetrics",
            dependencies: [.product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: hotPath
        ),
        .target(name: "LoadDriver", dependencies: ["RESP", "RedisConnection", "Locks", "BenchMetrics"], swiftSettings: hotPath),
        .target(name: "Reports", dependencies: ["RedisConnection", "Locks", "LoadDriver", "BenchMetrics"], swiftSettings: strict),
        .target(
            name: "Gate",
            dependencies: [
                "RedisConnection", "NativeClient", "HiredisClient", "RedisFleet", "Locks", "LoadDriver", "BenchMetrics", "Reports",
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Sweep",
            dependencies: ["RedisConnection", "NativeClient", "HiredisClient", "RedisFleet", "Locks", "LoadDriver", "BenchMetrics", "Reports"],
            swiftSettings: strict
        ),
        .target(
            name: "Chaos",
            dependencies: ["RESP", "RedisConnection", "NativeClient", "HiredisClient", "RedisFleet", "Locks", "Reports"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "bench",
            dependencies: [
                "RESP", "RedisConnection", "NativeClient", "HiredisClient", "CHiredis", "RedisFleet",
                "Locks", "BenchMetrics", "LoadDriver", "Reports", "Calibration", "Gate", "Sweep",
                "Chaos",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // Shared by the test targets (test targets cannot share files): real redis-servers, the bench
        // binary spawned as a user would, collectors.
        .target(
            name: "TestSupport",
            dependencies: ["RESP", "RedisConnection", "NativeClient", "HiredisClient", "RedisFleet"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(name: "RESPTests", dependencies: ["RESP"], swiftSettings: strict),
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
        .testTarget(name: "BenchMetricsTests", dependencies: ["BenchMetrics"], swiftSettings: strict),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "LoadDriver", "BenchMetrics", "Locks", "RedisConnection"], swiftSettings: strict),
        .testTarget(
            name: "LoadDriverTests",
            dependencies: ["TestSupport", "LoadDriver", "Locks", "BenchMetrics", "RedisConnection", "NativeClient", "HiredisClient", "RedisFleet"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "BenchCLITests",
            dependencies: ["TestSupport", "Reports", "RedisFleet", "RedisConnection", "NativeClient", "RESP"],
            swiftSettings: strict
        ),
        .testTarget(name: "RedisFleetTests", dependencies: ["RedisFleet", "RedisConnection"], swiftSettings: strict),
        .testTarget(name: "SweepTests", dependencies: ["Sweep", "Reports", "LoadDriver", "BenchMetrics", "Locks", "RedisConnection"], swiftSettings: strict),
        .testTarget(
            name: "GateTests",
            dependencies: ["TestSupport", "Gate", "Reports", "LoadDriver", "BenchMetrics", "Locks", "RedisConnection"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ChaosTests",
            dependencies: ["TestSupport", "Chaos", "Reports", "Locks", "RedisFleet", "RedisConnection", "RESP"],
            swiftSettings: strict
        ),
    ]
)
