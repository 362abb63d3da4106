import LoadDriver
import Locks
import RedisConnection
import Testing
@testable import Harness

@Suite("Target flags: --server, --cluster, --sentinel and --topology build one deployment")
struct TargetFlagTests {
    @Test("topology shapes parse and print back; out-of-range shapes are refused")
    func topologyParsing() {
        for text in ["standalone", "cluster:3x0", "cluster:3x1", "cluster:16x2", "sentinel:1x1", "sentinel:1x4"] {
            #expect(TopologyChoice(parsing: text)?.description == text)
        }
        for text in ["cluster:2x1", "cluster:3x3", "cluster:3", "sentinel:2x1", "sentinel:1x0", "ring:3x1", "cluster:ax1", ""] {
            #expect(TopologyChoice(parsing: text) == nil, "\(text)")
        }
    }

    @Test("each target flag gives its deployment")
    func deployments() throws {
        var settings = ScenarioSettings()
        settings.topology = .cluster(primaries: 3, replicas: 1)
        #expect(try settings.scenario(client: .native).deployment == .cluster(.embedded(primaries: 3, replicas: 1)))
        settings.topology = .sentinel(replicas: 2)
        #expect(try settings.scenario(client: .native).deployment == .sentinel(.embedded(replicas: 2, sentinels: 3)))
        settings.topology = .standalone
        let seed = Endpoint.tcp(host: "127.0.0.1", port: 7000)
        settings.clusterSeeds = [seed]
        #expect(try settings.scenario(client: .native).deployment == .cluster(.external(seeds: [seed])))
        settings.clusterSeeds = []
        settings.sentinels = [seed]
        settings.masterName = "mymaster"
        #expect(try settings.scenario(client: .native).deployment == .sentinel(.external(sentinels: [seed], masterName: "mymaster")))
    }

    @Test("conflicting or incomplete target flags are refused, naming the flag")
    func refusals() {
        let seed = Endpoint.tcp(host: "127.0.0.1", port: 7000)
        func refusal(_ change: (inout ScenarioSettings) -> Void) -> ScenarioSettingsError? {
            var settings = ScenarioSettings()
            change(&settings)
            do { _ = try settings.scenario(client: .native); return nil } catch { return error }
        }
        #expect(refusal { $0.servers = [seed]; $0.clusterSeeds = [seed] }?.flag == "cluster")
        #expect(refusal { $0.sentinels = [seed] }?.flag == "master-name")
        #expect(refusal { $0.masterName = "m" }?.flag == "master-name")
        #expect(refusal { $0.clusterSeeds = [seed]; $0.topology = .cluster(primaries: 3, replicas: 0) }?.flag == "topology")
        #expect(refusal { $0.topology = .sentinel(replicas: 1); $0.algorithm = .redlock }?.flag == "algorithm")
        #expect(refusal { $0.topology = .cluster(primaries: 3, replicas: 0); $0.algorithm = .redlock }?.flag == "redlock-nodes")
        #expect(refusal { $0.topology = .cluster(primaries: 3, replicas: 0); $0.unix = true }?.flag == "unix")
    }
}
