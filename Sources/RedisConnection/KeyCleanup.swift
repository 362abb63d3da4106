import RESP

extension RedisConnection {
    /// Deletes every key under a prefix the harness created, with SCAN + UNLINK (never FLUSHDB: the
    /// server may hold data that is not ours); returns how many were deleted.
    ///
    /// `group` splits each SCAN page into one UNLINK per group: a cluster node refuses (CROSSSLOT) one
    /// UNLINK whose keys span slots, so cluster cleanup groups by hash slot.
    @discardableResult
    public func deleteKeys(prefix: String, group: (@Sendable (String) -> Int)? = nil) async throws -> Int {
        let connection = self
        var cursor = "0"
        var deleted = 0
        let pattern = GlobPattern.escapeGlob(prefix) + "*"
        repeat {
            let reply = try await connection.call("SCAN", .string(cursor), "MATCH", .string(pattern), "COUNT", 1000)
            guard let parts = reply.elements, parts.count == 2, let next = parts[0].string, let keys = parts[1].elements else {
                throw RedisServerError(command: ["SCAN"], message: "unexpected SCAN reply \(reply)", endpoint: connection.endpoint)
            }
            cursor = next
            let names = keys.compactMap { $0.string }
            let batches = group.map { by in Array(Dictionary(grouping: names, by: by).values) } ?? [names]
            for batch in batches where !batch.isEmpty {
                let unlink = try await connection.send([RedisArgument.string("UNLINK")] + batch.map { .string($0) })
                deleted += Int(unlink.integer ?? 0)
            }
        } while cursor != "0"
        return deleted
    }

}

enum GlobPattern {
    /// Escapes glob metacharacters so a prefix matches only itself.
    static func escapeGlob(_ text: String) -> String {
        var out = ""
        for ch in text {
            if "*?[]\\^".contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }
}
