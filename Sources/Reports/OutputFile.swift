#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import POSIX

/// The file system calls the writers need, with errno turned into messages that name the path and
/// what to try. POSIX rather than Foundation: `O_APPEND` makes each row one atomic append, and errno
/// says exactly what went wrong.
enum OutputFile {
    static func errnoText(_ code: Int32) -> String { "\(Errno(rawValue: code))" }

    /// The directory part of `path` (`.` for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = path[..<slash]
        return dir.isEmpty ? "/" : String(dir)
    }

    /// Whether `path` exists, and whether it is a directory.
    static func kind(_ path: String) -> (exists: Bool, isDirectory: Bool, size: Int) {
        var info = stat()
        guard stat(path, &info) == 0 else { return (false, false, 0) }
        return (true, (info.st_mode & S_IFMT) == S_IFDIR, Int(info.st_size))
    }

    /// Throws unless `path` is (or can be created as) a writable regular file.
    static func checkWritableFile(_ path: String, flag: String) throws(ReportFileError) {
        let k = kind(path)
        if k.isDirectory {
            throw ReportFileError(.notWritable, path: path, message: "\(flag) \(path): is a directory; give a file name")
        }
        if k.exists {
            guard access(path, W_OK) == 0 else {
                let e = errno
                throw ReportFileError(.notWritable, path: path, errno: e, message: "\(flag) \(path): cannot write: \(errnoText(e)). Check its permissions or choose another path")
            }
            return
        }
        try checkWritableDirectory(directory(of: path), flag: flag, forFile: path)
    }

    /// Throws unless `dir` is an existing writable directory.
    static func checkWritableDirectory(_ dir: String, flag: String, forFile file: String? = nil) throws(ReportFileError) {
        let k = kind(dir)
        let subject = file.map { "\(flag) \($0): directory \(dir)" } ?? "\(flag) \(dir)"
        guard k.exists else {
            throw ReportFileError(.notWritable, path: dir, errno: ENOENT, message: "\(subject) does not exist; create it first")
        }
        guard k.isDirectory else {
            throw ReportFileError(.notWritable, path: dir, errno: ENOTDIR, message: "\(subject) is not a directory")
        }
        guard access(dir, W_OK | X_OK) == 0 else {
            let e = errno
            throw ReportFileError(.notWritable, path: dir, errno: e, message: "\(subject) is not writable: \(errnoText(e))")
        }
    }

    /// Creates `path` (its parent must exist), mode 0755; an existing directory is fine.
    /// An output directory (`--hgrm DIR`, `--hlog DIR`): throws unless it exists and is writable, or
    /// can be created in a writable parent.
    static func checkOutputDirectory(_ directory: String, flag: String) throws(ReportFileError) {
        if kind(directory).exists {
            try checkWritableDirectory(directory, flag: flag)
        } else {
            try checkWritableDirectory(self.directory(of: directory), flag: flag, forFile: directory)
        }
    }

    /// Checks the output directory, creates it when missing, and returns the path of `file` inside it.
    static func prepareOutputDirectory(_ directory: String, flag: String) throws(ReportFileError) -> (String) -> String {
        try checkOutputDirectory(directory, flag: flag)
        if !kind(directory).exists { try makeDirectory(directory, flag: flag) }
        return { file in directory.hasSuffix("/") ? directory + file : directory + "/" + file }
    }

    static func makeDirectory(_ path: String, flag: String) throws(ReportFileError) {
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            let e = errno
            throw ReportFileError(.io, path: path, errno: e, message: "\(flag) \(path): cannot create the directory: \(errnoText(e))")
        }
    }

    /// The file's first line without its line break (at most 1 MiB), or `nil` when it is empty.
    static func firstLine(_ path: String) throws(ReportFileError) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw ReportFileError(.io, path: path, errno: e, message: "cannot read \(path): \(errnoText(e))")
        }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while bytes.count < 1 << 20 {
            let result = chunk.withUnsafeMutableBytes { raw in retryingEINTR { read(fd, raw.baseAddress, raw.count) } }
            let n: Int
            switch result {
            case .success(let count): n = count
            case .failure(let error):
                throw ReportFileError(.io, path: path, errno: error.rawValue, message: "cannot read \(path): \(errnoText(error.rawValue))")
            }
            if n == 0 { break }
            if let newline = chunk[0..<n].firstIndex(of: UInt8(ascii: "\n")) {
                bytes.append(contentsOf: chunk[0..<newline])
                break
            }
            bytes.append(contentsOf: chunk[0..<n])
        }
        if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the file's last byte is a line break (an empty file counts as ending in one).
    static func endsWithNewline(_ path: String) throws(ReportFileError) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw ReportFileError(.io, path: path, errno: e, message: "cannot read \(path): \(errnoText(e))")
        }
        defer { close(fd) }
        let end = lseek(fd, 0, SEEK_END)
        guard end > 0 else { return true }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, end - 1) == 1 else { return true }
        return last == UInt8(ascii: "\n")
    }

    /// Appends `text` in one `write` per chunk to `path` (created 0644 when missing).
    static func append(_ text: String, to path: String) throws(ReportFileError) {
        try write(text, to: path, flags: O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC)
    }

    /// Replaces `path` with `text`.
    static func replace(_ text: String, at path: String) throws(ReportFileError) {
        try write(text, to: path, flags: O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC)
    }

    private static func write(_ text: String, to path: String, flags: Int32) throws(ReportFileError) {
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else {
            let e = errno
            throw ReportFileError(.io, path: path, errno: e, message: "cannot open \(path) for writing: \(errnoText(e)). Check the path and its directory's permissions")
        }
        var failure: Int32?
        let utf8 = Array(text.utf8)
        utf8.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let result = retryingEINTR { systemWrite(fd, buffer.baseAddress! + offset, buffer.count - offset) }
                let n: Int
                switch result {
                case .success(let count): n = count
                case .failure(let error):
                    failure = error.rawValue
                    return
                }
                offset += n
            }
        }
        let closed = close(fd)
        if let e = failure ?? (closed != 0 ? errno : nil) {
            throw ReportFileError(.io, path: path, errno: e, message: "cannot write \(path): \(errnoText(e)). Is the disk full?")
        }
    }
}

// The enum's own `write` shadows the C function inside it.
@inline(__always)
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}
