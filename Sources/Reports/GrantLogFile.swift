import BenchMetrics
import Foundation
import LoadDriver

/// The `--grants-log` file: JSON lines, so a reader can stream it and a shell can `grep` one key.
/// Line 1 is the header (`format`, `shard`, `shards`, `offsetUs`, `uncertaintyUs`: server time =
/// wall + offsetUs, ± uncertaintyUs); each further line is one `GrantInterval` (`key`, `token`,
/// `fencingToken` when fenced, `grantedUs`, `endUs`, `validUntilUs`, wall-clock µs since the epoch).
public enum GrantLogFile {
    /// The header's `format` value; a reader refuses any other.
    public static let format = "lockbench-grants-1"

    struct Header: Codable {
        var format: String
        var shard: Int
        var shards: Int
        var offsetUs: Double
        var uncertaintyUs: Double
    }

    public static func preflight(path: String) throws(ReportFileError) {
        try OutputFile.checkWritableFile(path, flag: "--grants-log")
    }

    public static func encode(_ log: GrantLog) throws(ReportFileError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            let header = Header(format: format, shard: log.shard, shards: log.shards, offsetUs: log.offsetUs, uncertaintyUs: log.uncertaintyUs)
            var lines = [String(decoding: try encoder.encode(header), as: UTF8.self)]
            for grant in log.grants { lines.append(String(decoding: try encoder.encode(grant), as: UTF8.self)) }
            return lines.joined(separator: "\n") + "\n"
        } catch {
            throw ReportFileError(.encoding, path: "", message: "cannot encode the grant log as JSON: \(error)")
        }
    }

    /// Writes `log` to `path`, replacing it.
    public static func write(_ log: GrantLog, to path: String) throws(ReportFileError) {
        try preflight(path: path)
        try OutputFile.replace(try encode(log), at: path)
    }

    /// The log in `text` (a file `write` produced); `path` only names it in errors.
    public static func decode(_ text: String, path: String) throws(ReportFileError) -> GrantLog {
        let decoder = JSONDecoder()
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).makeIterator()
        guard let first = lines.next(), let header = try? decoder.decode(Header.self, from: Data(first.utf8)), header.format == format else {
            throw ReportFileError(.invalidContent, path: path, message: "\(path): not a lockbench grant log (its first line must be a header with format \"\(format)\"); give a file --grants-log wrote")
        }
        var grants: [GrantInterval] = []
        var number = 1
        while let line = lines.next() {
            number += 1
            do { grants.append(try decoder.decode(GrantInterval.self, from: Data(line.utf8))) } catch {
                throw ReportFileError(.invalidContent, path: path, message: "\(path):\(number): not a grant row (\(error)); the file is damaged or truncated")
            }
        }
        return GrantLog(shard: header.shard, shards: header.shards, offsetUs: header.offsetUs, uncertaintyUs: header.uncertaintyUs, grants: grants)
    }

    /// The grant logs in shard output directories (each directory's files ending in `grants.jsonl`),
    /// for `bench merge`: none at all is fine (the shards ran without `--grants-log`); one shard
    /// index twice, or logs from only some of the directories, is refused.
    public static func read(inShardDirectories directories: [String]) throws(ReportFileError) -> [GrantLog] {
        var logs: [GrantLog] = []
        var missing: [String] = []
        for directory in directories {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix("grants.jsonl") }.sorted()
            if names.isEmpty { missing.append(directory) }
            for name in names { logs.append(try read(directory + "/" + name)) }
        }
        guard !logs.isEmpty else { return [] }
        if !missing.isEmpty {
            throw ReportFileError(.invalidContent, path: missing[0], message: "no grant log (*grants.jsonl) in \(missing.joined(separator: ", ")) while other shards have one: every shard must run with --grants-log, or none")
        }
        let shards = logs.map(\.shard)
        if Set(shards).count != shards.count {
            throw ReportFileError(.invalidContent, path: directories[0], message: "grant logs name shard(s) \(shards.sorted()) with repeats: give each shard's directory once")
        }
        return logs
    }

    /// Reads the log at `path`.
    public static func read(_ path: String) throws(ReportFileError) -> GrantLog {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ReportFileError(.io, path: path, message: "cannot read grant log \(path): \(error.localizedDescription)")
        }
        return try decode(text, path: path)
    }
}
