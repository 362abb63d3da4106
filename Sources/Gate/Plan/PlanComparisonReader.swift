import Foundation
import LoadDriver
import RedisConnection
import Yams

/// Reads a scenario's `compare:` block: `a:` and `b:` (each a label, `bench run` settings over the
/// scenario's, and `server-config:` for its own embedded servers), `metrics:` and `thresholds:` on B/A.
struct PlanComparisonReader {
    typealias Entry = (key: String, keyNode: Node, value: Node)
    let scenarioReader: PlanScenarioReader
    var reader: PlanReader { scenarioReader.reader }

    static let sideKeys = ["label", "server-config"]

    func read(
        _ node: Node, at path: String, base: [Entry], clients: [RedisClientKind], rounds: Int, item: Node, locate: (Entry) -> String
    ) throws(PlanError) -> PlanComparison {
        let entries = try reader.entries(node, at: path, allowed: ["a", "b", "metrics", "thresholds"])
        guard clients.count == 1 else {
            throw reader.error(node, path, "an A/B comparison runs one client on both sides: set client: native or client: hiredis, not both")
        }
        guard rounds >= 2 else {
            throw reader.error(node, path, "an A/B comparison needs repeats: 2 or more (one pair per repeat, the order alternating); 4 or more give a usable interval")
        }
        var sides: [PlanSide] = []
        for name in ["a", "b"] {
            guard let entry = entries.first(where: { $0.key == name }) else {
                throw reader.error(node, "\(path).\(name)", "missing: a comparison needs both sides, a: and b: (each may be {} to keep the scenario as it is)")
            }
            sides.append(try side(entry.value, at: "\(path).\(name)", default: name.uppercased(), base: base, client: clients[0], item: item, locate: locate))
        }
        if sides[0].label == sides[1].label {
            throw reader.error(node, path, "both sides are labelled '\(sides[0].label)': give them different labels")
        }
        var metrics = PlanComparison.defaultMetrics
        if let entry = entries.first(where: { $0.key == "metrics" }) {
            guard let list = entry.value.sequence, !list.isEmpty else { throw reader.error(entry.value, "\(path).metrics", "expects a non-empty list of metrics") }
            metrics = []
            for item in list {
                let metric = item.scalar?.string ?? ""
                if let refusal = PlanMetrics.refusal(metric) { throw reader.error(item, "\(path).metrics", refusal) }
                metrics.append(metric)
            }
        }
        var thresholds: [RatioThreshold] = []
        if let entry = entries.first(where: { $0.key == "thresholds" }) {
            guard let list = entry.value.sequence else {
                throw reader.error(entry.value, "\(path).thresholds", "expects a list such as [\"ratio(acquisitions_per_s) >= 0.8\"]")
            }
            for (i, item) in list.enumerated() {
                let at = "\(path).thresholds[\(i)]"
                guard let text = item.scalar?.string else { throw reader.error(item, at, "expects an expression such as ratio(acquisitions_per_s) >= 0.8") }
                do throws(RatioThreshold.ParseError) { thresholds.append(try RatioThreshold(parsing: text)) } catch {
                    throw reader.error(item, at, error.message)
                }
            }
        }
        for threshold in thresholds where !metrics.contains(threshold.metric) { metrics.append(threshold.metric) }
        return PlanComparison(sides: sides, metrics: metrics, thresholds: thresholds)
    }

    func side(
        _ node: Node, at path: String, default label: String, base: [Entry], client: RedisClientKind, item: Node, locate: (Entry) -> String
    ) throws(PlanError) -> PlanSide {
        let own = try reader.entries(node, at: path, allowed: Self.sideKeys + PlanSettingKeys.all.map(\.key))
        var named = label
        if let entry = own.first(where: { $0.key == "label" }) {
            guard let text = entry.value.scalar?.string, !text.isEmpty else { throw reader.error(entry.value, "\(path).label", "expects a non-empty label") }
            named = text
        }
        let settings = own.filter { !Self.sideKeys.contains($0.key) }
        // A side's password source replaces the scenario's, whichever form either uses.
        let replacesPassword = settings.contains { $0.key.hasPrefix("password-") }
        let merged = base.filter { b in !settings.contains { $0.key == b.key } && !(replacesPassword && b.key.hasPrefix("password-")) } + settings
        let scenario = try scenarioReader.scenario(merged, client: client, item: item, path: path) { entry in
            settings.contains { $0.keyNode.mark?.line == entry.keyNode.mark?.line && $0.key == entry.key } ? "\(path).\(entry.key)" : locate(entry)
        }
        var config: [(name: String, value: String)] = []
        if let entry = own.first(where: { $0.key == "server-config" }) {
            let at = "\(path).server-config"
            guard scenario.deployment.isEmbedded else {
                throw reader.error(entry.keyNode, at, "server-config sets up lockbench's own embedded servers; this side runs on external servers (server:), whose config is yours to set")
            }
            for directive in try reader.entries(entry.value, at: at, allowed: ServerConfigKeys.allowed) {
                guard let value = directive.value.scalar?.string else {
                    throw reader.error(directive.value, "\(at).\(directive.key)", "expects one value, e.g. appendfsync: always")
                }
                config.append((directive.key, value))
            }
        }
        return PlanSide(label: named, scenario: scenario, serverConfig: config)
    }
}
