import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where the command line talks to the person running it.
enum Terminal {
    /// Live progress only on an interactive terminal, and never in CI logs.
    static var showsProgress: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["CI"] == nil
    }

    /// A message on stderr.
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// Says on stderr what kept `bench <command>` from measuring or from writing what it measured, and
    /// gives exit code 2: an environment error, which the help promises apart from a regression's 1.
    static func environmentError(_ command: String, _ error: Any) -> ExitCode {
        self.error("bench \(command): \(error)")
        return ExitCode(2)
    }

    /// A side note on stderr (keeps stdout for the table).
    static func note(_ message: String) {
        error(message)
    }

    /// Rewrites the current line (progress).
    static func progress(_ line: String) {
        FileHandle.standardOutput.write(Data(("\r\u{1B}[2K" + line).utf8))
    }

    /// Ends a progress line.
    static func endProgress() {
        FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8))
    }
}
