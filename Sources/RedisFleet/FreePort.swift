#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds a loopback TCP port nobody is listening on.
enum FreePort {
    /// Binds port 0 on 127.0.0.1, reads the port the kernel chose, and closes the socket.
    ///
    /// Another process may take the port between this close and redis's bind; start retries with a
    /// new port when redis reports "Address already in use", which is cheaper than passing a
    /// listening socket to the child.
    static func pick() throws(FleetError) -> Int {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let (fd, socketErrno) = Sys.call { socket(AF_INET, type, 0) }
        guard fd >= 0 else {
            throw FleetError(.spawnFailed, detail: "cannot open a socket to find a free port: \(Sys.describe(socketErrno))",
                             hint: "Check the file descriptor limit (ulimit -n).", errno: socketErrno)
        }
        defer { _ = close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let (bound, bindErrno) = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                Sys.call { bind(fd, raw, length) }
            }
        }
        guard bound == 0 else {
            throw FleetError(.addressInUse, detail: "cannot bind 127.0.0.1:0 to find a free port: \(Sys.describe(bindErrno))",
                             hint: "Check that the loopback interface is up.", errno: bindErrno)
        }
        let (named, nameErrno) = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                Sys.call { getsockname(fd, raw, &length) }
            }
        }
        guard named == 0 else {
            throw FleetError(.spawnFailed, detail: "getsockname: \(Sys.describe(nameErrno))", errno: nameErrno)
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
