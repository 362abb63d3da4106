import Testing
@testable import RedisFleet

/// `--topology` values: what parses, and what each bad one is told.
@Suite("FleetTopology parsing")
struct FleetTopologyTests {
    @Test("cluster:PxR, sentinel:1xR and standalone parse and print back")
    func parses() throws {
        #expect(try FleetTopology(parsing: "cluster:3x1") == .cluster(primaries: 3, replicasPerPrimary: 1))
        #expect(try FleetTopology(parsing: "cluster:3x0") == .cluster(primaries: 3, replicasPerPrimary: 0))
        #expect(try FleetTopology(parsing: "sentinel:1x2") == .sentinel(replicas: 2))
        #expect(try FleetTopology(parsing: "standalone") == .standalone(count: 1))
        for text in ["cluster:3x1", "sentinel:1x2", "standalone"] {
            #expect(try FleetTopology(parsing: text).description == text)
        }
    }

    @Test("bad values name the value and the reason", arguments: [
        ("sentinel:2x1", "P must be 1"), ("sentinel:1x0", "R must be at least 1"), ("cluster:3y1", "not PxR"),
        ("cluster:0x1", "at least 1 primary"), ("cluster:40x1", "at most 64"), ("etcd:3x0", "unknown topology"),
        ("cluster:3x", "not PxR"), ("cluster:-1x1", "at least 1 primary"),
    ])
    func refuses(text: String, reason: String) {
        do {
            _ = try FleetTopology(parsing: text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.description.contains(text))
            #expect(error.description.contains(reason), "\(error)")
        }
    }
}
