import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `bench` binary SwiftPM builds next to the test bundle (`Scripts/test` builds it first).
let benchExecutable: String? = {
    guard let test = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
    var directory = URL(fileURLWithPath: test).deletingLastPathComponent()
    if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
    let path = directory.appendingPathComponent("bench").path
    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
}()

/// A finished `bench` invocation.
struct BenchResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// redis-server children seen while it ran.
    var children: [Int32]
}

/// Runs `bench` as a user would, with `CI=1` so no progress line is drawn.
///
/// `afterStart` runs once the process is up (e.g. to send SIGINT or kill a server); the bound only stops
/// a broken build from hanging the suite.
func runBench(
    _ arguments: [String], environment extra: [String: String] = [:], boundSeconds: Double = 120,
    afterStart: ((Int32) async -> Void)? = nil
) async throws -> BenchResult {
    let bench = try #require(benchExecutable, "build the bench product first (Scripts/test does)")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: bench)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["CI"] = "1"
    for (k, v) in extra { environment[k] = v }
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    let pid = process.processIdentifier
    let reader = Task.detached { () -> (Data, Data) in
        async let o = out.fileHandleForReading.readDataToEndOfFile()
        async let e = err.fileHandleForReading.readDataToEndOfFile()
        return await (o, e)
    }
    var children = Set<Int32>()
    let watcher = Task.detached { () -> Set<Int32> in
        var seen = Set<Int32>()
        while !Task.isCancelled {
            for child in childPIDs(of: pid) { seen.insert(child) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return seen
    }
    if let afterStart { await afterStart(pid) }
    let deadline = Date().addingTimeInterval(boundSeconds)
    while process.isRunning {
        if Date() > deadline {
            kill(pid, SIGKILL)
            Issue.record("bench \(arguments.joined(separator: " ")) did not finish within \(boundSeconds) s")
            break
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    process.waitUntilExit()
    watcher.cancel()
    children = await watcher.value
    let (o, e) = await reader.value
    return BenchResult(
        status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
        stderr: String(decoding: e, as: UTF8.self), children: Array(children))
}

func childPIDs(of parent: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { parentPID(of: $0) == parent }
}

func parentPID(of pid: Int32) -> Int32? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return nil }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    return fields.count > 1 ? Int32(fields[1]) : nil
}

/// True when `pid` no longer runs (gone, or a zombie awaiting init).
func isGone(_ pid: Int32) -> Bool {
    if kill(pid, 0) != 0 { return true }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return true }
    return stat[stat.index(after: close)...].split(separator: " ").first == "Z"
}

/// A fresh temporary directory for a test's output files.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lockbench-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
