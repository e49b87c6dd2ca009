import Foundation

/// Runs the built `attend` binary (`.build/debug/attend`; scripts/test.sh builds it first).
enum AttendProcess {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// `$ATTEND_BINARY` when set (scripts/sanitize.sh points it at a sanitized build).
    static let binary = ProcessInfo.processInfo.environment["ATTEND_BINARY"].map { URL(fileURLWithPath: $0) }
        ?? packageRoot.appendingPathComponent(".build/debug/attend")
    static let fixtures = packageRoot.appendingPathComponent("Tests/CLITests/Fixtures")
    static let tinyModel = packageRoot.appendingPathComponent("Tests/SpeechModelsTests/Fixtures/tiny.safetensors").path

    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `attend args…` with `stdin` (a file) or no input, and waits.
    static func run(_ args: [String], stdin: URL? = nil, environment: [String: String]? = nil) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        if let environment { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let out = Pipe()
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("attend-stderr-\(UUID())")
        FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let err = try FileHandle(forWritingTo: errFile)
        p.standardOutput = out
        p.standardError = err
        p.standardInput = try stdin.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle.nullDevice
        try p.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        try err.close()
        let errData = (try? Data(contentsOf: errFile)) ?? Data()
        return Result(status: p.terminationStatus, stdout: outData, stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A new empty temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attend-cli-\(UUID())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
