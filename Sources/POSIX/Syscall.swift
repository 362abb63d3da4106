#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
// Callers name errors as swift-system's `Errno` (`catch Errno.wouldBlock`, `"\(errno)"` is strerror's
// text): re-exported so every layer above reads errno the same way without a second dependency line.
@_exported import SystemPackage

/// Runs `body`, a system call that returns -1 and sets errno on failure, until it fails with something
/// other than `EINTR`; its result, or the errno it left.
///
/// The one place the project retries `EINTR`, so no loop forgets to. errno is read here, in a
/// non-inlined function right after the call, before Swift can run anything (a retain, an allocation)
/// that might overwrite it.
@inline(never)
public func retryingEINTR<T: FixedWidthInteger>(_ body: () -> T) -> Result<T, Errno> {
    while true {
        let result = body()
        guard result == -1 else { return .success(result) }
        let code = errno
        if code != EINTR { return .failure(Errno(rawValue: code)) }
    }
}
