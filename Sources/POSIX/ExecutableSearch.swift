#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Finding a program as a shell would: the first executable regular file of that name on `PATH`.
public enum ExecutableSearch {
    /// `PATH` from this process's environment, or the usual default when it is unset or empty.
    public static var searchPath: String {
        if let value = getenv("PATH"), value.pointee != 0 { return String(cString: value) }
        return "/usr/local/bin:/usr/bin:/bin"
    }

    /// The absolute path of `name` on `searchPath` (default: `PATH`); `nil` when no directory holds an
    /// executable file of that name.
    public static func find(_ name: String, searchPath: String? = nil) -> String? {
        for directory in (searchPath ?? Self.searchPath).split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = "\(directory)/\(name)"
            if isExecutableFile(candidate) { return candidate }
        }
        return nil
    }

    /// A regular file we may execute: `access(X_OK)` alone also passes directories, which `posix_spawn`
    /// then fails on with a less helpful error.
    public static func isExecutableFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return false }
        return access(path, X_OK) == 0
    }
}
