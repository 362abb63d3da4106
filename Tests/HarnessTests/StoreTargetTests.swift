import Foundation
import LoadDriver
import Locks
import RedisConnection
import Testing
@testable import Harness

@Suite("Store targets: --target, --etcd and --zookeeper build an etcd or ZooKeeper deployment")
struct StoreTargetTests {
    @Test("target values parse and print back; other member counts are refused")
    func parsing() {
        for text in ["redis", "etcd", "etcd:1", "etcd:3", "zookeeper", "zookeeper:1", "zookeeper:3"] {
            #expect(TargetChoice(parsing: text)?.description == text)
        }
        for text in ["etcd:2", "etcd:5", "redis:3", "zookeeper:0", "zk", "etcd:", ""] {
            #expect(TargetChoice(parsing: text) == nil, "\(text)")
        }
    }

    @Test("a store target picks its store's algorithm and the watch wait, and its deployment")
    func defaults() throws {
        var settings = ScenarioSettings()
        settings.target = .store(.etcd, members: 3)
        let etcd = try settings.scenario(client: .native)
        #expect(etcd.lock.algorithm == .etcdMutex && etcd.lock.wait.kind == .watch)
        #expect(etcd.deployment == .etcd(.embedded(members: 3)) && etcd.deployment.topologyName == "etcd:3")
        settings.target = .redis
        settings.zookeeperEndpoints = [.tcp(host: "127.0.0.1", port: 2181)]
        let zk = try settings.scenario(client: .native)
        #expect(zk.lock.algorithm == .zkRecipe && zk.deployment == .zookeeper(.external([.tcp(host: "127.0.0.1", port: 2181)])))
        #expect(try ScenarioSettings().scenario(client: .native).lock.wait.kind == .backoff, "Redis keeps its default")
    }

    @Test("etcd URLs: http:// and host:port lists; https, paths and bad ports are refused")
    func urls() throws {
        #expect(try StoreEndpoints.parse("http://127.0.0.1:2379, 10.0.0.2:2379/", for: .etcd)
            == [.tcp(host: "127.0.0.1", port: 2379), .tcp(host: "10.0.0.2", port: 2379)])
        #expect(try StoreEndpoints.parse("localhost", for: .etcd) == [.tcp(host: "localhost", port: 2379)], "etcd's own default port")
        for bad in ["https://h:2379", "h:0", "http://h:2379/v3", "unix:/x", "", "h:2379,"] {
            #expect(throws: ScenarioSettingsError.self, "\(bad)") { try StoreEndpoints.parse(bad, for: .etcd) }
        }
        #expect(throws: ScenarioSettingsError.self) { try StoreEndpoints.parse("http://h:2181", for: .zookeeper) }
    }

    @Test("the deployment survives JSON and keeps its short name")
    func codable() throws {
        for deployment in [Deployment.etcd(.embedded(members: 3)), .zookeeper(.external([.tcp(host: "h", port: 2181)]))] {
            let data = try JSONEncoder().encode(deployment)
            #expect(try JSONDecoder().decode(Deployment.self, from: data) == deployment)
            #expect(deployment.store != .redis && deployment.isEmbedded == (deployment.storeSource?.count == 3))
        }
    }

    @Test("a store's liveness sums over lanes, keeping the worst lateness")
    func liveness() {
        var a = StoreLiveness(), b = StoreLiveness()
        a.renewals = 3; a.late = 1; a.worstLatenessMs = 4
        b.renewals = 2; b.missed = 1; b.expired = 1; b.worstLatenessMs = 2
        let sum = StoreLiveness.summed([a, b])
        #expect(sum?.renewals == 5 && sum?.late == 1 && sum?.missed == 1 && sum?.expired == 1 && sum?.worstLatenessMs == 4)
        #expect(StoreLiveness.summed([]) == nil)
    }
}
