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
        switch SocketExchange.exchange(Array(word.utf8), host: host, port: port, timeoutMs: timeoutMs) {
        case .success(let reply): return String(decoding: reply, as: UTF8.self)
        case .failure(let exchange):
            throw FleetError(.startTimeout, endpoint: endpoint, detail: "ZooKeeper '\(word)' on \(endpoint): \(exchange.detail)")
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
