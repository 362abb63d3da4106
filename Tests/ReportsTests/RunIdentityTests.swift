import Foundation
import LoadDriver
import Reports
import Testing

@Suite struct RunIdentityTests {
    @Test func currentMachine() {
        let id = RunIdentity.current(redisVersion: "7.0.15")
        #expect(!id.host.isEmpty)
        #expect(id.cores >= 1)
        #expect(!id.os.isEmpty)
        #expect(!id.gitSHA.isEmpty) // a sha or "unknown"
        #expect(id.redisVersion == "7.0.15")
        #expect(id.time.hasSuffix("Z"))
        #expect(id.swiftVersion.hasPrefix("6") || id.swiftVersion.hasPrefix(">="))
    }

    @Test func runIDsSortByTimeAndDiffer() throws {
        let date = try #require(ISO8601DateFormatter().date(from: "2026-04-11T15:30:12Z"))
        let id = RunIdentity.makeRunID(now: date)
        #expect(id.hasPrefix("20260411-153012-"))
        #expect(id.count == "20260411-153012-7f3a".count)
        let many = Set((0..<64).map { _ in RunIdentity.makeRunID(now: date) })
        #expect(many.count > 50)
    }
}
