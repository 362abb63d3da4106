import Foundation
import LoadDriver
import Reports

/// `--csv` and `--json` for the safety table.
///
/// JSON is exactly `[SafetyRow]` (pretty, keys sorted), what `bench report` reads. The CSV appends
/// rows under a header written once, with the run's identity in front so rows from many runs can share
/// one file; a file with another header is refused rather than mixed.
public enum SafetyFiles {
    /// The CSV columns, in order.
    public static let csvHeader = [
        "run_id", "time", "host", "redis_version", "scenario", "variant", "algorithm", "client", "trials", "acquisitions",
        "overlaps", "stale_writes_rejected", "stale_writes_accepted", "wrong_owner_deletes", "double_grants",
        "failed_acquisitions", "unavailability_ms", "predicted", "confirmed", "verdict",
    ]

    /// Throws unless `path` can take our rows: writable, and new, empty, or starting with our header.
    /// Call before the run, so a typo costs a second, not the run.
    public static func preflightCSV(_ path: String) throws(SafetyFileError) {
        try checkWritable(path, flag: "--csv")
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return }
        let firstLine = String(decoding: data.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
            .trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
        let existing = (try? CSVText.parse(firstLine).first) ?? []
        guard existing == csvHeader else {
            throw SafetyFileError(path: path, message: "--csv \(path): the file's header is not the safety table's (\(csvHeader.prefix(4).joined(separator: ","))...); write to a new file")
        }
    }

    /// Throws unless `path` can be written.
    public static func preflightJSON(_ path: String) throws(SafetyFileError) {
        try checkWritable(path, flag: "--json")
    }

    /// Appends `rows` to the CSV at `path` (header first when the file is new or empty).
    public static func appendCSV(_ rows: [SafetyRow], identity: RunIdentity, to path: String) throws(SafetyFileError) {
        try preflightCSV(path)
        let existing = FileManager.default.contents(atPath: path) ?? Data()
        var text = existing.isEmpty ? CSVText.record(csvHeader) : ""
        if let last = existing.last, last != UInt8(ascii: "\n") { text += CSVText.lineEnding }
        for row in rows {
            text += CSVText.record([
                identity.runID, identity.time, identity.host, identity.redisVersion, row.scenario, row.variant, row.algorithm,
                row.client, "\(row.trials)", "\(row.acquisitions)", "\(row.overlaps)", "\(row.staleWritesRejected)",
                "\(row.staleWritesAccepted)", "\(row.wrongOwnerDeletes)", "\(row.doubleGrants)", "\(row.failedAcquisitions)",
                String(format: "%.1f", row.unavailabilityMs), row.predicted, row.confirmed ? "true" : "false", row.verdict,
            ])
        }
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        do {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw SafetyFileError(path: path, message: "cannot append to \(path): \(error)")
        }
    }

    /// Writes `rows` as a JSON array of `SafetyRow`, replacing the file.
    public static func writeJSON(_ rows: [SafetyRow], to path: String) throws(SafetyFileError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            var data = try encoder.encode(rows)
            data.append(UInt8(ascii: "\n"))
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw SafetyFileError(path: path, message: "cannot write \(path): \(error)")
        }
    }

    /// The rows in a file `writeJSON` produced.
    public static func readJSON(_ path: String) throws -> [SafetyRow] {
        try JSONDecoder().decode([SafetyRow].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
    }

    private static func checkWritable(_ path: String, flag: String) throws(SafetyFileError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw SafetyFileError(path: path, message: "\(flag) \(path): is a directory; give a file name") }
            guard FileManager.default.isWritableFile(atPath: path) else {
                throw SafetyFileError(path: path, message: "\(flag) \(path): not writable; check its permissions or choose another path")
            }
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        let parent = directory.isEmpty ? "." : directory
        guard FileManager.default.isWritableFile(atPath: parent) else {
            throw SafetyFileError(path: path, message: "\(flag) \(path): directory \(parent) does not exist or is not writable")
        }
    }
}

/// An output file that could not be checked or written: which, and what to do.
public struct SafetyFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    /// What failed and what to do.
    public var message: String
    public var description: String { message }
}
