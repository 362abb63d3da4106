import Foundation
import POSIX
import RedisFleet
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The `bench` binary SwiftPM builds next to the test bundle (`Scripts/test` builds it first).
public let benchExecutable: String? = {
    guard let test = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
    var directory = URL(fileURLWithPath: test).deletingLastPathComponent()
    if directory.pathExtension == "xctest" { directory = directory.deletingLastPathComponent() }
    let path = directory.appendingPathComponent("bench").path
    return FileManager.default.isExecutableFile(atPath: path) ? path : nil
}()

/// A finished `bench` invocation.
public struct BenchResult: Sendable {
    /// Exit status (128 + n when killed by signal n).
    public var status: Int32
    /// Everything it wrote to stdout.
    public var stdout: String
    /// Everything it wrote to stderr.
    public var stderr: String
    /// Child processes (redis-servers, workers) seen while it ran.
    public var children: [Int32]
}

/// Runs `bench` as a user would, with `CI=1` so no progress line is drawn.
///
/// `afterStart` runs once the process is up (e.g. to send SIGINT or kill a server); the bound only stops
/// a broken build from hanging the suite.
public func runBench(
    _ arguments: [String], environment extra: [String: String] = [:], boundSeconds: Double = 120,
    afterStart: ((Int32) async -> Void)? = nil
) async throws -> BenchResult {
    let bench = try #require(benchExecutable, "build the bench product first (Scripts/test does)")
    // A plain user environment: the test runner's own variables are not the product's concern.
    let inherited = ProcessInfo.processInfo.environment
    var environment = ["PATH": inherited["PATH"] ?? "/usr/bin:/bin", "HOME": inherited["HOME"] ?? "/tmp", "CI": "1"]
    for (k, v) in extra { environment[k] = v }
    // posix_spawn, not Foundation's Process: its processIdentifier is not always the program's own
    // pid here, and the signal and orphan checks need the real one.
    let child = try SpawnedProcess(path: bench, arguments: arguments, environment: environment)
    let pid = child.pid
    let watcher = Task.detached { () -> Set<Int32> in
        var seen = Set<Int32>()
        while !Task.isCancelled {
            for grandchild in childPIDs(of: pid) { seen.insert(grandchild) }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return seen
    }
    if let afterStart { await afterStart(pid) }
    let deadline = Date().addingTimeInterval(boundSeconds)
    var status: Int32?
    while status == nil {
        status = child.poll()
        if status != nil { break }
        if Date() > deadline {
            kill(pid, SIGKILL)
            Issue.record("bench \(arguments.joined(separator: " ")) did not finish within \(boundSeconds) s")
            status = child.wait()
            break
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    watcher.cancel()
    let children = await watcher.value
    let (out, err) = await child.output()
    return BenchResult(status: status ?? -1, stdout: out, stderr: err, children: Array(children))
}

/// A child started with posix_spawn, its stdout and stderr read to the end on their own threads.
public final class SpawnedProcess: @unchecked Sendable {
    // @unchecked: `pid` is immutable; the readers are separate tasks joined in `output()`.
    /// The child's pid.
    public let pid: Int32
    private let stdoutReader: PipeReader
    private let stderrReader: PipeReader

    /// Starts `path` with `arguments` and exactly `environment`, stdin from /dev/null.
    public init(path: String, arguments: [String], environment: [String: String]) throws {
        let outChannel = try ChildChannel.make().get()
        let errChannel: ChildChannel
        do {
            errChannel = try ChildChannel.make().get()
        } catch {
            outChannel.closeBoth()
            throw error
        }
        let outPipe = [outChannel.parentEnd, outChannel.childEnd]
        let errPipe = [errChannel.parentEnd, errChannel.childEnd]
        // As a shell would start it (the runner's threads block signals), with only its own streams.
        var request = ProcessSpawn(
            executable: path, arguments: [path] + arguments, environment: environment.map { "\($0.key)=\($0.value)" })
        request.stdout = .descriptor(outPipe[1])
        request.stderr = .descriptor(errPipe[1])
        let spawned = request.spawn()
        close(outPipe[1])
        close(errPipe[1])
        guard case .success(let child) = spawned else {
            close(outPipe[0])
            close(errPipe[0])
            if case .failure(let failure) = spawned { throw failure.errno }
            throw POSIXError(.EINVAL)
        }
        pid = child
        let outFD = outPipe[0]
        let errFD = errPipe[0]
        stdoutReader = PipeReader(fd: outFD)
        stderrReader = PipeReader(fd: errFD)
    }

    /// The exit status once exited (128 + n when killed by signal n), else nil.
    public func poll() -> Int32? {
        var status: Int32 = 0
        let rc = waitpid(pid, &status, WNOHANG)
        guard rc == pid else { return nil }
        return WaitStatus(raw: status).shellCode
    }

    /// Waits for the exit status.
    public func wait() -> Int32 {
        var status: Int32 = 0
        _ = retryingEINTR { waitpid(pid, &status, 0) }
        return WaitStatus(raw: status).shellCode
    }

    /// Everything written to stdout and stderr, once both pipes closed.
    public func output() async -> (String, String) {
        let out = await stdoutReader.data()
        let err = await stderrReader.data()
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

/// Reads a pipe to its end on a thread of its own.
///
/// Not a Task: a blocking read would hold one of the few cooperative threads (two on this machine)
/// until the child exits, and every `Task.sleep` in the test would wait for it.
final class PipeReader: Sendable {
    private let result = Mutex<Data?>(nil)

    init(fd: Int32) {
        Thread.detachNewThread { [self] in
            let data = FileHandle(fileDescriptor: fd, closeOnDealloc: true).readDataToEndOfFile()
            self.result.withLock { $0 = data }
        }
    }

    func data() async -> Data {
        while true {
            if let data = result.withLock({ $0 }) { return data }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// Processes whose parent is `parent`.
public func childPIDs(of parent: Int32) -> [Int32] {
    ProcFS.children(of: parent)
}

/// True when `pid` no longer runs (gone, or a zombie awaiting init).
public func isGone(_ pid: Int32) -> Bool {
    if kill(pid, 0) != 0 { return true }
    guard let stat = ProcFS.stat(pid) else { return true }
    return stat.state == "Z"
}

/// A fresh temporary directory for a test's output files.
public func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lockbench-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Runs `body` on a thread of its own, so a fault placed "in two seconds" happens in two seconds even
/// when the test runner's few cooperative threads are busy elsewhere (a `Task.sleep` there can wake late).
public func onOwnThread(_ body: @escaping @Sendable () -> Void) {
    Thread.detachNewThread(body)
}

/// Blocks the calling thread until `condition` holds or `boundSeconds` pass; returns whether it held.
@discardableResult
public func waitBlocking(boundSeconds: Double = 60, until condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(boundSeconds)
    while !condition() {
        if Date() > deadline { return false }
        usleep(20_000)
    }
    return true
}
