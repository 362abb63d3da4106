#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// hiredis 0.14 writes with `write(2)`, not `send(..., MSG_NOSIGNAL)`: writing to a socket the
/// server has reset raises SIGPIPE, whose default action kills the whole benchmark. Ignoring it
/// once, process-wide (as swift-nio does on Linux), turns that into an `EPIPE` that maps to
/// `connectionReset` like any other dropped connection.
let sigpipeIgnored: Bool = {
    _ = signal(SIGPIPE, SIG_IGN)
    return true
}()
