/// An output file that could not be checked, read or written.
///
/// Codes are statics over a private enum so that adding one breaks no caller's `switch`.
public struct ReportFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case headerMismatch = "header mismatch", io = "I/O error", notWritable = "not writable"
            case encoding = "encoding failed", invalidContent = "invalid content"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// An existing CSV file has a different header: appending would mix two schemas.
        public static let headerMismatch = Code(.headerMismatch)
        /// A system call failed (see `errno`).
        public static let io = Code(.io)
        /// The path or its directory cannot be written.
        public static let notWritable = Code(.notWritable)
        /// A result could not be encoded (JSON).
        public static let encoding = Code(.encoding)
        /// A file that should hold lockbench output does not (e.g. a header that is not CSV).
        public static let invalidContent = Code(.invalidContent)
        /// The code's words.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public var code: Code
    /// The file or directory.
    public var path: String
    /// The `errno` of the failed call, for `.io` and `.notWritable`.
    public var errno: Int32?
    /// What failed, on what, and what to do about it.
    public var message: String

    public init(_ code: Code, path: String, errno: Int32? = nil, message: String) {
        self.code = code
        self.path = path
        self.errno = errno
        self.message = message
    }

    public var description: String { message }
}
