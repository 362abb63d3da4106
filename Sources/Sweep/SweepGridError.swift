/// A sweep grid or sweep file that cannot be used: names the flag (or file key), the value and what
/// is allowed.
public struct SweepGridError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and what to do instead.
    public var message: String

    /// An error with this message.
    public init(_ message: String) {
        self.message = message
    }

    /// A bad value of a flag.
    public static func badValue(_ flag: String, _ value: String, _ reason: String) -> SweepGridError {
        SweepGridError("\(flag) '\(value)' is invalid: \(reason).")
    }

    public var description: String { message }
}
