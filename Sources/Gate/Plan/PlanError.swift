/// A plan that cannot be run, located as an editor or CI annotation wants it: `file:line:column: key: message`.
public struct PlanError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based; `nil` when the whole file is at fault (missing, unreadable).
    public var line: Int?
    public var column: Int?
    /// The key path, e.g. `scenarios[1] (contended).thresholds[0]`.
    public var key: String?
    /// What is wrong and what to write instead.
    public var message: String

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" + (column.map { ":\($0)" } ?? "") }
        return location + ": " + (key.map { "\($0): " } ?? "") + message
    }
}
