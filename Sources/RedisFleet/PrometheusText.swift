/// Reads values from Prometheus' text exposition format (`name{labels} value` lines), as etcd's
/// `/metrics` serves it.
enum PrometheusText {
    /// The sum of every sample of `name` (all label sets), or nil when there is none.
    ///
    /// A name is matched whole: `grpc_server_handled_total` does not match `..._total_bucket`.
    static func sum(of name: String, in text: String) -> Double? {
        var total: Double?
        for line in text.split(separator: "\n") where line.hasPrefix(name) && !line.hasPrefix("#") {
            let rest = line.dropFirst(name.count)
            guard let first = rest.first, first == " " || first == "{" else { continue }
            guard let valueText = line.split(separator: " ").last, let value = Double(valueText) else { continue }
            total = (total ?? 0) + value
        }
        return total
    }

    /// The value of the unlabelled sample `name`.
    static func value(of name: String, in text: String) -> Double? { sum(of: name, in: text) }
}
