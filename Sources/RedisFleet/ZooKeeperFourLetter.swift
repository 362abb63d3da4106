import Foundation
import POSIX
import RedisConnection

/// ZooKeeper's four-letter-word commands (`ruok`, `srvr`, `mntr`): a plain TCP exchange on the client
/// port where the server writes its answer and closes.
///
/// Blocking and bounded by one deadline, like `RedisProbe`: for readiness checks, the leader's index and
/// server statistics, never on a measured path. Only the words in the ensemble's
/// `4lw.commands.whitelist` are answered; any other gets an empty reply.
public enum ZooKeeperFourLetter {
    /// Sends `word` to `endpoint` and returns everything the server wrote before closing.
    public static func send(_ word: String, to endpoint: Endpoint, timeoutMs: Int = 1_000) throws(FleetError) -> String {
        guard case .tcp(let host, let port) = endpoint else {
            throw FleetError(.invalidArgument, endpoint: endpoint, detail: "ZooKeeper listens on TCP only, not \(endpoint)")
        }
        let deadline = MonotonicClock.nanos() + UInt64(max(timeoutMs, 1)) * 1_000_000
        func failure(_ detail: String) -> FleetError {
            FleetError(.startTimeout, endpoint: endpoint, detail: "ZooKeeper '\(word)' on \(endpoint): \(detail)")
        }
        func remaining() -> UInt64 {
            let now = MonotonicClock.nanos()
            return deadline > now ? deadline - now : 0
        }
        let socket: Socket
        do {
            let opened = try Socket.connect(to: try SocketAddress.resolve(host: host, port: port))
            socket = opened.socket
            if opened.inProgress {
                guard socket.waitWritable(timeoutNanos: remaining()), socket.pendingError() == nil else {
                    socket.close()
                    throw failure("connect did not complete")
                }
            }
        } catch let error as FleetError {
            throw error
        } catch {
            throw failure("\(error)")
        }
        defer { socket.close() }
        let request = Array(word.utf8)
        var sent = 0
        while sent < request.count {
            let result = request.withUnsafeBytes { raw in
                Result { () throws(SocketError) in try socket.write(UnsafeRawBufferPointer(rebasing: raw[sent...])) }
            }
            switch result {
            case .success(.wrote(let n)): sent += n
            case .success(.wouldBlock):
                guard socket.waitWritable(timeoutNanos: remaining()) else { throw failure("send timed out") }
            case .failure(let error): throw failure("\(error)")
            }
        }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8 * 1024)
        while true {
            let result = chunk.withUnsafeMutableBytes { raw in Result { () throws(SocketError) in try socket.read(into: raw) } }
            switch result {
            case .success(.bytes(let n)): reply.append(contentsOf: chunk[0..<n])
            case .success(.endOfFile): return String(decoding: reply, as: UTF8.self)
            case .success(.wouldBlock):
                guard socket.waitReadable(timeoutNanos: remaining()) else { throw failure("no complete answer before the deadline") }
            // A server that answers and closes at once may reset instead of closing cleanly.
            case .failure where !reply.isEmpty: return String(decoding: reply, as: UTF8.self)
            case .failure(let error): throw failure("\(error)")
            }
        }
    }

    /// `srvr`'s `Mode:` line: `standalone`, `leader` or `follower`; `nil` while the server is not serving
    /// (it then answers "This ZooKeeper instance is not currently serving requests").
    public static func mode(of endpoint: Endpoint, timeoutMs: Int = 1_000) -> String? {
        guard let text = try? send("srvr", to: endpoint, timeoutMs: timeoutMs) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("Mode: ") {
            return String(line.dropFirst("Mode: ".count)).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
