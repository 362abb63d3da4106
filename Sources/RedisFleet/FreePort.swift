#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import POSIX

/// Finds a loopback TCP port nobody is listening on.
enum FreePort {
    /// Binds port 0 on 127.0.0.1, reads the port the kernel chose, and closes the socket.
    ///
    /// Another process may take the port between this close and redis's bind; start retries with a
    /// new port when redis reports "Address already in use", which is cheaper than passing a
    /// listening socket to the child.
    static func pick() throws(FleetError) -> Int {
        try bindLoopback(port: 0)
    }

    /// Redis Cluster's offset from a node's port to its cluster bus port.
    static let clusterBusOffset = 10_000

    /// A free port whose cluster bus port (`port + 10000`, which Redis derives and binds itself) is
    /// free too: a node that cannot bind its bus exits at start.
    static func pickWithClusterBus() throws(FleetError) -> Int {
        for _ in 0..<100 {
            let port = try pick()
            guard port + clusterBusOffset <= Int(UInt16.max) else { continue }
            if (try? bindLoopback(port: port + clusterBusOffset)) != nil { return port }
        }
        throw FleetError(.addressInUse, detail: "found no free port whose cluster bus port (+\(clusterBusOffset)) was free too, in 100 tries",
                         hint: "Lower the ephemeral port range's top (net.ipv4.ip_local_port_range) below 55536 or free some ports.")
    }

    /// Binds `port` (0: any) on 127.0.0.1, closes the socket, and returns the port bound.
    private static func bindLoopback(port: Int) throws(FleetError) -> Int {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd: Int32
        switch retryingEINTR({ socket(AF_INET, type, 0) }) {
        case .success(let opened): fd = opened
        case .failure(let error):
            throw FleetError(.spawnFailed, detail: "cannot open a socket to find a free port: \(error)",
                             hint: "Check the file descriptor limit (ulimit -n).", errno: error.rawValue)
        }
        defer { _ = close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                retryingEINTR { bind(fd, raw, length) }
            }
        }
        if case .failure(let error) = bound {
            throw FleetError(.addressInUse, detail: "cannot bind 127.0.0.1:\(port) to find a free port: \(error)",
                             hint: "Check that the loopback interface is up.", errno: error.rawValue)
        }
        let named = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                retryingEINTR { getsockname(fd, raw, &length) }
            }
        }
        if case .failure(let error) = named {
            throw FleetError(.spawnFailed, detail: "getsockname: \(error)", errno: error.rawValue)
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
