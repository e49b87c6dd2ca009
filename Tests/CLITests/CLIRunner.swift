import Foundation

/// Runs the built `attend` executable (and shell pipelines around it) for end-to-end tests.
/// The binary must already exist at `.build/debug/attend` (scripts/test.sh runs `swift build`
/// before `swift test`); tests never build it.
enum CLIRunner {
    /// The package root, three levels above this file.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let attendPath = ProcessInfo.processInfo.environment["ATTEND_BINARY"]
        ?? packageRoot.appendingPathComponent(".build/debug/attend").path

    static var attendExists: Bool { FileManager.default.isExecutableFile(atPath: attendPath) }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `command` with `/bin/sh -c`; `$ATTEND` in it names the binary.
    static func sh(_ command: String) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        var env = ProcessInfo.processInfo.environment
        env["ATTEND"] = attendPath
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        // Outputs here are small; read stderr on another thread so neither pipe can fill up.
        let errData = LockedData()
        let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.get(), as: UTF8.self))
    }

    /// Quotes a path for the shell.
    static func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ d: Data) { lock.lock(); data = d; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return data != nil }
    func get() -> Data { lock.lock(); defer { lock.unlock() }; return data ?? Data() }
}

/// A fresh temporary directory for one test.
struct CLITempDir {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("attend-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}
