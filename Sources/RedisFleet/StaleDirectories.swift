import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Fleet directories left behind by a harness that was killed outright.
///
/// A fleet removes its directory when it stops, at `exit` and on SIGINT/SIGTERM; a SIGKILL allows
/// none of that (its servers die with it, through `--pdeathsig`). Each fleet directory therefore names
/// its owner's pid in `owner`, and the next fleet removes the directories whose owner is gone. A
/// directory without that file (not ours, or from an older lockbench), or whose owner still runs, is
/// left alone, as is anything this user cannot remove.
enum StaleDirectories {
    /// The file in a fleet directory that names the process owning it.
    static let ownerFile = "owner"

    /// Records this process as the owner of `directory`.
    static func claim(_ directory: String) {
        _ = FileManager.default.createFile(atPath: "\(directory)/\(ownerFile)", contents: Data("\(getpid())\n".utf8),
                                       attributes: [.posixPermissions: 0o600])
    }

    /// Removes `base/lockbench-*` directories whose recorded owner no longer runs; returns them.
    @discardableResult
    static func sweep(in base: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return [] }
        var removed: [String] = []
        for name in names where name.hasPrefix("lockbench-") {
            let directory = "\(base)/\(name)"
            guard let owner = ownerPID(of: directory), owner != getpid(), !isRunning(owner) else { continue }
            if (try? FileManager.default.removeItem(atPath: directory)) != nil { removed.append(directory) }
        }
        return removed
    }

    static func ownerPID(of directory: String) -> pid_t? {
        guard let data = FileManager.default.contents(atPath: "\(directory)/\(ownerFile)") else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let pid = pid_t(text), pid > 0 else { return nil }
        return pid
    }

    /// Whether a process with this pid exists (EPERM: it does, but belongs to someone else).
    static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
