import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// PATH lookup for the tools the scenarios use (setpriv, redis-sentinel's neighbours).
enum ToolSearch {
    /// The first executable `name` on `PATH`.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where access("\(directory)/\(name)", X_OK) == 0 {
            return "\(directory)/\(name)"
        }
        return nil
    }
}
