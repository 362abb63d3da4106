import BenchMetrics
import Foundation
import LoadDriver
import Reports
import Testing

@Suite struct GrantLogFileTests {
    static let log = GrantLog(shard: 1, shards: 3, offsetUs: -1_234.5, uncertaintyUs: 42.25, grants: [
        GrantInterval(key: "lockbench:r:{0:AB}", token: "ab12", fencingToken: 7, grantedUs: 1_000, endUs: 3_000, validUntilUs: 2_000),
        GrantInterval(key: "lockbench:r:{1:CD}", token: "cd34", fencingToken: nil, grantedUs: 1_500, endUs: 1_600, validUntilUs: 9_000),
    ])

    @Test func writesAHeaderAndOneLinePerGrantThatReadBack() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/0.grants.jsonl"
        try GrantLogFile.write(Self.log, to: path)
        let lines = try Fixtures.read(path).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[0].contains("\"format\":\"\(GrantLogFile.format)\""))
        #expect(lines[2].contains("\"token\":\"cd34\"") && !lines[2].contains("fencingToken"))
        #expect(try GrantLogFile.read(path) == Self.log)
    }

    @Test func refusesAFileWithoutTheHeaderOrWithADamagedRow() throws {
        #expect(throws: ReportFileError.self) { try GrantLogFile.decode("{\"key\":\"k\"}\n", path: "x.jsonl") }
        let text = try GrantLogFile.encode(Self.log) + "{\"key\":\n"
        do {
            _ = try GrantLogFile.decode(text, path: "x.jsonl")
            Issue.record("a truncated row must be refused")
        } catch {
            #expect(error.description.contains("x.jsonl:4"), "the message names the line: \(error)")
        }
    }

    @Test func theJSONResultLeavesTheGrantsToTheirOwnFile() throws {
        var result = Fixtures.result(.native)
        result.grants = Self.log
        let text = String(decoding: try JSONReportWriter.encode([result]), as: UTF8.self)
        #expect(!text.contains("cd34"))
    }

    @Test func shardDirectoriesGiveTheirLogsAndRefuseGapsAndRepeats() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for name in ["a", "b", "c"] { try FileManager.default.createDirectory(atPath: dir + "/" + name, withIntermediateDirectories: true) }
        #expect(try GrantLogFile.read(inShardDirectories: [dir + "/a", dir + "/b"]).isEmpty)
        try GrantLogFile.write(Self.log, to: dir + "/a/grants.jsonl")
        #expect(throws: ReportFileError.self) { try GrantLogFile.read(inShardDirectories: [dir + "/a", dir + "/b"]) }
        var other = Self.log
        other.shard = 0
        try GrantLogFile.write(other, to: dir + "/b/shard0.grants.jsonl")
        #expect(try GrantLogFile.read(inShardDirectories: [dir + "/a", dir + "/b"]).map(\.shard) == [1, 0])
        try GrantLogFile.write(Self.log, to: dir + "/c/grants.jsonl")
        #expect(throws: ReportFileError.self) { try GrantLogFile.read(inShardDirectories: [dir + "/a", dir + "/b", dir + "/c"]) }
    }
}
