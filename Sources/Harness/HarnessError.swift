/// The harness could not measure: servers that would not start, refused the handshake, or a password
/// that could not be read. An environment error (exit 2), never a verdict on the code under test.
public struct HarnessError: Error, Sendable, CustomStringConvertible {
    /// What failed, on what, and what to do.
    public var description: String

    public init(_ description: String) { self.description = description }
}
