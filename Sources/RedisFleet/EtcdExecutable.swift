import Foundation
import POSIX

/// Where `etcd` is and how to launch it so it dies with the harness.
struct EtcdExecutable: Sendable, Hashable {
    /// Absolute path of etcd.
    var path: String
    /// `ProcessSpawn.deathSignalPrefix`: without it a SIGKILLed harness leaves its members behind.
    var launchPrefix: [String]

    /// The program to exec: setpriv when used, else etcd itself.
    var program: String { launchPrefix.first ?? path }

    /// Finds etcd: `override` (a path, or a name looked up on `PATH`), else `etcd` on `searchPath`.
    static func locate(override: String?, searchPath: String?) throws(FleetError) -> EtcdExecutable {
        let hint = "Install it with 'sudo apt-get install etcd-server' (Scripts/bootstrap does), or pass its path"
        let path: String
        if let override, override.contains("/") {
            let absolute = override.hasPrefix("/") ? override : FileManager.default.currentDirectoryPath + "/" + override
            guard ExecutableSearch.isExecutableFile(absolute) else {
                throw FleetError(.executableNotFound, detail: "etcd not found at \(override) (the executable override)", hint: hint)
            }
            path = absolute
        } else {
            let name = override ?? "etcd"
            guard let found = ExecutableSearch.find(name, searchPath: searchPath) else {
                throw FleetError(.executableNotFound, detail: "\(name) (etcd-server) not found on PATH", hint: hint)
            }
            path = found
        }
        return EtcdExecutable(path: path, launchPrefix: ProcessSpawn.deathSignalPrefix)
    }
}
