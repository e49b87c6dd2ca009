import Foundation

/// The temporary files of outputs being written, so that an interrupted process (SIGINT,
/// SIGTERM) can remove them before it exits: nothing half-written is ever left behind.
/// Writers register a temporary path when they create it and unregister it once it is renamed
/// into place or removed. Thread-safe.
public enum PartialFiles {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var paths: Set<String> = []

    public static func register(_ path: String) { lock.withLock { _ = paths.insert(path) } }

    public static func unregister(_ path: String) { lock.withLock { _ = paths.remove(path) } }

    /// Removes every registered file (for a signal handler); returns how many there were.
    @discardableResult
    public static func removeAll() -> Int {
        lock.withLock {
            for p in paths { unlink(p) }
            defer { paths.removeAll() }
            return paths.count
        }
    }

    /// Removes the temporary files (`.NAME.PID.RANDOM.partial`) that writers in processes no longer
    /// running left under `directory`, e.g. after `kill -9` or a power cut. Files of live
    /// processes (this one included) are kept. Returns the paths removed.
    @discardableResult
    public static func removeStale(under directory: URL) -> [String] {
        guard let walk = FileManager.default.enumerator(atPath: directory.path) else { return [] }
        var removed: [String] = []
        for case let relative as String in walk {
            let name = (relative as NSString).lastPathComponent
            guard name.hasPrefix("."), name.hasSuffix(".partial") else { continue }
            let parts = name.split(separator: ".")
            guard parts.count >= 4, let pid = Int32(parts[parts.count - 3]), pid > 0, pid != getpid(),
                  kill(pid, 0) != 0, errno == ESRCH else { continue }
            let path = directory.appendingPathComponent(relative).path
            if unlink(path) == 0 { removed.append(path) }
        }
        return removed
    }

    /// Whether `path` exists and is neither a regular file nor a directory: `/dev/null`, a FIFO,
    /// a terminal. Such outputs are written in place: renaming a temporary file onto one would
    /// replace the device with a regular file.
    public static func isSpecialFile(_ path: String) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        let kind = info.st_mode & S_IFMT
        return kind != S_IFREG && kind != S_IFDIR
    }

    /// Writes `data` to `path` atomically: a registered temporary file in the same folder,
    /// then a rename (a special file such as `/dev/null` is written in place).
    public static func writeAtomically(_ data: Data, to path: String) throws {
        if isSpecialFile(path) {
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw AudioError.writeFailed(path, message: String(cString: strerror(errno)))
            }
            defer { try? handle.close() }
            do { try handle.write(contentsOf: data) } catch {
                throw AudioError.writeFailed(path, message: "cannot write: \(error.localizedDescription)")
            }
            return
        }
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial").path
        register(temp)
        defer { unregister(temp) }
        do {
            try data.write(to: URL(fileURLWithPath: temp))
        } catch {
            unlink(temp)
            throw AudioError.writeFailed(path, message: "cannot write: \(error.localizedDescription)")
        }
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw AudioError.writeFailed(path, message: reason)
        }
    }
}
