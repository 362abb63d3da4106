import Foundation
import POSIX
import RedisConnection

/// The Java and jars that run a ZooKeeper server, found once per ensemble.
struct ZooKeeperRuntime: Sendable {
    /// Debian's `zookeeper` package puts the server here; its manifest's `Class-Path` names the rest.
    static let serverJar = "/usr/share/java/zookeeper.jar"
    /// An SLF4J binding, so a failed start leaves its reason in the server's output (without one the
    /// server logs nothing at all).
    static let loggerJar = "/usr/share/java/slf4j-simple.jar"
    static let installHint = "Install the ZooKeeper server and a JRE: `sudo apt-get install zookeeper` (or run Scripts/bootstrap)."

    var java: String
    var classPath: String

    static func locate(serverJar: String? = nil, searchPath: String? = nil) throws(FleetError) -> ZooKeeperRuntime {
        let serverJar = serverJar ?? Self.serverJar
        guard let java = ExecutableSearch.find("java", searchPath: searchPath) else {
            throw FleetError(.executableNotFound, detail: "no `java` on PATH to run the ZooKeeper server", hint: installHint)
        }
        guard FileManager.default.isReadableFile(atPath: serverJar) else {
            throw FleetError(.executableNotFound, detail: "no ZooKeeper server jar at \(serverJar)", hint: installHint)
        }
        var classPath = serverJar
        if FileManager.default.isReadableFile(atPath: loggerJar) { classPath += ":\(loggerJar)" }
        return ZooKeeperRuntime(java: java, classPath: classPath)
    }

    /// argv for one server: `QuorumPeerMain` runs standalone when the config names no peers.
    func arguments(configPath: String) -> [String] {
        ProcessSpawn.deathSignalPrefix + [
            java,
            // A test-sized JVM: the serial collector and C1 only start faster and keep the heap small on
            // a 2-core machine; no perf-data file in /tmp (hsperfdata) to leave behind.
            "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xms32m", "-Xmx256m", "-XX:-UsePerfData",
            "-Djava.net.preferIPv4Stack=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp", classPath, "org.apache.zookeeper.server.quorum.QuorumPeerMain", configPath,
        ]
    }
}

/// One server's ports and files inside the ensemble's temp directory.
struct ZooKeeperServerLayout: Sendable {
    var index: Int
    var directory: String
    var clientPort: Int
    /// Quorum (follower-to-leader) and leader-election ports; unused by a single server.
    var quorumPort: Int
    var electionPort: Int

    var configPath: String { "\(directory)/zoo.cfg" }
    var dataDirectory: String { "\(directory)/data" }
    var outputPath: String { "\(directory)/output.log" }
    var clientEndpoint: Endpoint { .tcp(host: "127.0.0.1", port: clientPort) }

    /// The config file: loopback only, small ticks so sessions expire and elections settle fast, the
    /// admin HTTP server off (it would bind 8080), and the four-letter words the ensemble reads.
    func config(peers: [ZooKeeperServerLayout], tickTimeMs: Int) -> String {
        var lines = [
            "tickTime=\(tickTimeMs)",
            "initLimit=10",
            "syncLimit=5",
            "dataDir=\(dataDirectory)",
            "clientPort=\(clientPort)",
            "clientPortAddress=127.0.0.1",
            "maxClientCnxns=0",
            "admin.enableServer=false",
            "4lw.commands.whitelist=mntr,ruok,srvr",
            // Snapshots and log purging are irrelevant for a run's lifetime; no fsync keeps a 2-core
            // machine's disk out of every write's latency (a durability cost the harness does not measure).
            "forceSync=no",
        ]
        if peers.count > 1 {
            for peer in peers {
                lines.append("server.\(peer.index + 1)=127.0.0.1:\(peer.quorumPort):\(peer.electionPort)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func writeFiles(peers: [ZooKeeperServerLayout], tickTimeMs: Int) throws(FleetError) {
        do {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            try config(peers: peers, tickTimeMs: tickTimeMs).write(toFile: configPath, atomically: true, encoding: .utf8)
            if peers.count > 1 {
                try "\(index + 1)\n".write(toFile: "\(dataDirectory)/myid", atomically: true, encoding: .utf8)
            }
        } catch {
            throw FleetError(.fileSystem, detail: "cannot write ZooKeeper server \(index)'s files in \(directory): \(error)",
                             hint: "Check that the temp directory is writable, or set TMPDIR.")
        }
    }

    /// The last lines of the server's output, for a failed start.
    func outputTail() -> String {
        guard let data = FileManager.default.contents(atPath: outputPath) else { return "(no output at \(outputPath))" }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").suffix(20)
        return lines.isEmpty ? "(no output at \(outputPath))" : lines.joined(separator: "\n")
    }
}
