import Foundation
@testable import AudioIO

/// A fresh directory under the system temp dir, removed by `cleanup()`.
struct TempDir {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("attend-audio-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Runs a shell command line; returns exit status and stderr.
@discardableResult
func shell(_ command: String) throws -> (status: Int32, stderr: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    let data = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// Interleaved sine tones: channel c has frequency `hz * (c + 1)`.
func tone(hz: Double, rate: Int, frames: Int, channels: Int = 1, amplitude: Double = 0.5) -> [Float] {
    var out = [Float](repeating: 0, count: frames * channels)
    for f in 0..<frames {
        for c in 0..<channels {
            out[f * channels + c] = Float(amplitude * sin(2 * .pi * hz * Double(c + 1) * Double(f) / Double(rate)))
        }
    }
    return out
}

func rms(_ x: ArraySlice<Float>) -> Double {
    (x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(x.count, 1))).squareRoot()
}

func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Writes `samples` with AudioFileWriter and returns the path.
func writeFile(_ samples: [Float], rate: Int, channels: Int, format: AudioOutputFormat, to path: String) throws -> String {
    let w = try AudioFileWriter(path: path, sampleRate: rate, channels: channels, format: format)
    try w.write(samples)
    try w.finish()
    return path
}

/// Resident set size of this process in kB (`VmRSS` in /proc/self/status).
/// Writes all of `bytes` to `fd` (a pipe's write end), stopping early if the reader has gone.
func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) {
    var off = 0
    while off < bytes.count {
        let n = write(fd, bytes.baseAddress! + off, bytes.count - off)
        if n <= 0 { return }
        off += n
    }
}

func residentKB() -> Int {
    let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
    }
    return 0
}

/// Deterministic generator for reproducible "random" chunk sizes.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Frequency of a sine from its upward zero crossings (linearly interpolated), in Hz.
func zeroCrossingFrequency(_ x: ArraySlice<Float>, rate: Int) -> Double {
    var crossings: [Double] = []
    var i = x.startIndex
    while i + 1 < x.endIndex {
        let a = Double(x[i]), b = Double(x[i + 1])
        if a < 0 && b >= 0 { crossings.append(Double(i) + a / (a - b)) }
        i += 1
    }
    guard crossings.count > 1 else { return 0 }
    return Double(crossings.count - 1) / ((crossings.last! - crossings.first!) / Double(rate))
}

/// Writes bytes to a path (replacing it).
func put(_ path: String, contents: Data) throws {
    try contents.write(to: URL(fileURLWithPath: path))
}
