import Foundation
import RESP
import RedisConnection
import RedisFleet
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Runs `commands` on `endpoint`, authenticating first when `password` is given; the replies of
/// `commands` only.
public func probeCommands(_ commands: [[String]], at endpoint: Endpoint, password: String? = nil) throws -> [RESPValue] {
    guard let password else { return try RedisProbe.commands(commands, at: endpoint) }
    return Array(try RedisProbe.commands([["AUTH", password]] + commands, at: endpoint).dropFirst())
}

/// Every key matching `pattern` on `endpoint` (SCAN, not KEYS: the server may be in use).
public func keys(matching pattern: String, at endpoint: Endpoint, password: String? = nil) throws -> [String] {
    var cursor = "0"
    var found: [String] = []
    repeat {
        let reply = try probeCommands([["SCAN", cursor, "MATCH", pattern, "COUNT", "1000"]], at: endpoint, password: password)[0]
        guard let parts = reply.elements, parts.count == 2, let next = parts[0].string, let names = parts[1].elements else {
            throw UnexpectedReply(description: "SCAN on \(endpoint) answered \(reply); is it a Redis server?")
        }
        cursor = next
        found += names.compactMap(\.string)
    } while cursor != "0"
    return found
}

/// A reply a test's setup or check could not use.
public struct UnexpectedReply: Error, CustomStringConvertible {
    /// What was sent, where, and what came back.
    public var description: String
}

/// How many clients are connected to `endpoint`, not counting the one asking (0 when it cannot tell).
public func connectedClients(at endpoint: Endpoint, password: String? = nil) -> Int {
    let list = (try? probeCommands([["CLIENT", "LIST"]], at: endpoint, password: password))?.first?.string ?? ""
    return max(0, list.split(separator: "\n").count - 1)
}

/// Sends SIGINT to `pid` from a thread of its own once `isUnderWay` holds and `settleMicroseconds`
/// more have passed, so the signal lands mid-run however slow the machine is. Sends nothing once
/// `pid` has exited: after it is reaped the number may belong to someone else.
public func interrupt(_ pid: Int32, settleMicroseconds: UInt32 = 1_500_000, once isUnderWay: @escaping @Sendable () -> Bool) {
    onOwnThread {
        waitBlocking { isGone(pid) || isUnderWay() }
        usleep(settleMicroseconds)
        if !isGone(pid) { kill(pid, SIGINT) }
    }
}

/// A second client that keeps deleting keys under a pattern while it runs: a real fault that frees
/// locks behind their holders' backs, so two contenders hold one lock at once.
public final class KeyDeleter: Sendable {
    private let stopping = Mutex(false)
    private let finished = Mutex<Int?>(nil)

    /// Deletes keys that match `pattern` on `endpoint`, on a thread of its own, from the moment
    /// `startWhen` holds (e.g. once the run under test is connected) until `stop()`.
    public init(endpoint: Endpoint, pattern: String = "lockbench:*", startWhen: @escaping @Sendable () -> Bool = { true }) {
        onOwnThread { [self] in
            var deleted = 0
            waitBlocking { stopping.withLock { $0 } || startWhen() }
            while !stopping.withLock({ $0 }) {
                if let names = try? keys(matching: pattern, at: endpoint), !names.isEmpty,
                   let reply = try? RedisProbe.command(["DEL"] + names, at: endpoint) {
                    deleted += Int(reply.integer ?? 0)
                }
                usleep(2_000)
            }
            finished.withLock { $0 = deleted }
        }
    }

    /// Stops deleting; returns how many keys it deleted.
    public func stop() -> Int {
        stopping.withLock { $0 = true }
        waitBlocking { finished.withLock { $0 } != nil }
        return finished.withLock { $0 } ?? 0
    }
}

/// The command line of `pid` as its arguments (`/proc/<pid>/cmdline`), or nil once it is gone.
public func commandLine(of pid: Int32) -> [String]? {
    procStrings("/proc/\(pid)/cmdline")
}

/// The environment of `pid` as `NAME=value` entries (`/proc/<pid>/environ`), or nil once it is gone.
public func environment(of pid: Int32) -> [String]? {
    procStrings("/proc/\(pid)/environ")
}

private func procStrings(_ path: String) -> [String]? {
    guard let data = FileManager.default.contents(atPath: path) else { return nil }
    return data.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
}

/// `pid`'s children, their children, and so on.
public func descendants(of pid: Int32) -> [Int32] {
    var found: [Int32] = []
    var frontier = [pid]
    while let next = frontier.popLast() {
        let children = childPIDs(of: next)
        found += children
        frontier += children
    }
    return found
}
