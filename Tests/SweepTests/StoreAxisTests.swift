import Harness
import LoadDriver
import Locks
import Sweep
import Testing

/// `--target` as a sweep axis: each algorithm meets only its own store's targets.
@Suite struct StoreAxisTests {
    func plan(_ lists: [SweepAxis: String]) throws(SweepGridError) -> SweepPlan {
        try SweepPlan.make(grid: try SweepGrid(lists: lists), base: ScenarioSettings())
    }

    @Test func algorithmsPairWithTheirStoresTargetsWithoutNotes() throws {
        let plan = try plan([
            .target: "redis,etcd,etcd:3,zookeeper:3", .algorithm: "setnx-px,redlock,etcd-mutex,etcd-lock-rpc,zk-recipe",
            .client: "both", .contenders: "10,100",
        ])
        // Redis: 2 algorithms × 2 clients; etcd: 2 targets × 2 algorithms; ZooKeeper: 1; each at 2 loads.
        #expect(plan.cells.count == (4 + 4 + 1) * 2)
        #expect(plan.skipped.isEmpty, "\(plan.skipped.map(\.label))")
        for cell in plan.cells {
            #expect(cell.scenario.lock.algorithm.store == cell.scenario.deployment.store)
            #expect(cell.scenario.deployment.store == .redis || (cell.scenario.client == .native && cell.scenario.lock.wait.kind == .watch))
        }
        #expect(plan.cells.contains { $0.scenario.deployment == .etcd(.embedded(members: 3)) && $0.label.contains("etcd:3") })
        #expect(plan.embeddedServers == 5, "the Redis fleet is sized by Redlock's masters, not by the store members")
    }

    @Test func anAlgorithmOrTargetWithNoPartnerIsRefused() {
        #expect { try plan([.target: "etcd", .algorithm: "etcd-mutex,zk-recipe"]) } throws: { "\($0)".contains("--algorithm 'zk-recipe'") }
        #expect { try plan([.target: "redis,zookeeper", .algorithm: "setnx-px"]) } throws: { "\($0)".contains("--target 'zookeeper'") }
        #expect { try plan([.target: "etcd:4"]) } throws: { "\($0)".contains("--target 'etcd:4'") }
    }
}
