// swift-tools-version: 6.1
import PackageDescription

// Micro-benchmarks, kept out of the root package so `swift build`, `swift test` and CI never build
// package-benchmark. Run: `swift package --package-path Benchmarks benchmark` (see Results/README.md).
let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let core: [Target.Dependency] = [
    .product(name: "Benchmark", package: "benchmark"),
    // The root package's layers. Its identity is its directory's name, which differs between clones,
    // so the dependency is named explicitly.
    .product(name: "LockbenchCore", package: "lockbench"),
]

let package = Package(
    name: "lockbench-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "lockbench", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // RESP decode (native decoder vs hiredis's redisReader on the same bytes) and command encoding.
        .executableTarget(
            name: "RESPCodec", dependencies: core, path: "RESPCodec", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // One acquire+release of setnx-px per client against a redis-server started through RedisFleet.
        .executableTarget(
            name: "LockCycle", dependencies: core, path: "LockCycle", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
        // A short closed-loop LoadRun (fixed acquisition count) per client.
        .executableTarget(
            name: "DriverRun", dependencies: core, path: "DriverRun", swiftSettings: strict,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
