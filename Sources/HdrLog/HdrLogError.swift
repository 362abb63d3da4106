/// A histogram encoding or interval log that lockbench cannot read: what was wrong, where, and what to do.
public struct HdrLogError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What failed and on what (a cookie, a header field, a log line).
    public var message: String
    /// The log line (1-based) the error was found on; `nil` outside a log.
    public var line: Int?

    public init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }

    public var description: String {
        let place = line.map { "line \($0): " } ?? ""
        return "\(place)\(message). Was it written by an HdrHistogram V2 writer (lockbench --hlog, Java HistogramLogWriter)?"
    }
}
