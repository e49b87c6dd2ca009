import Foundation
import Testing

/// Golden arrays written by `Training/golden/make_spectral_golden.py` (librosa).
enum Fixture {
    struct Array2: Sendable {
        let shape: [Int]
        let values: [Float]
        var rows: Int { shape[0] }
        var cols: Int { shape.count > 1 ? shape[1] : 1 }
    }

    enum LoadError: Error, CustomStringConvertible {
        case missing(String), malformed(String, String)
        var description: String {
            switch self {
            case .missing(let f): "fixture \(f): not found in the test bundle"
            case .malformed(let f, let why): "fixture \(f): \(why)"
            }
        }
    }

    /// Reads a little-endian float32, C-order `.npy` (format 1.0 or 2.0).
    static func load(_ name: String) throws -> Array2 {
        let file = "\(name).npy"
        guard let url = Bundle.module.url(forResource: name, withExtension: "npy", subdirectory: "Fixtures") else {
            throw LoadError.missing(file)
        }
        let data = try Data(contentsOf: url)
        let bytes = [UInt8](data)
        guard bytes.count > 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw LoadError.malformed(file, "not an .npy file")
        }
        let major = bytes[6]
        let headerLength: Int, headerStart: Int
        if major == 1 {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        } else {
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '<f4'") else { throw LoadError.malformed(file, "dtype is not <f4: \(header)") }
        guard header.contains("'fortran_order': False") else { throw LoadError.malformed(file, "Fortran order") }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw LoadError.malformed(file, "no shape in header")
        }
        let shape = header[open.upperBound..<close].split(separator: ",").compactMap {
            Int($0.trimmingCharacters(in: .whitespaces))
        }
        let count = shape.reduce(1, *)
        let start = headerStart + headerLength
        guard bytes.count - start == 4 * count else {
            throw LoadError.malformed(file, "payload has \(bytes.count - start) bytes, shape \(shape) needs \(4 * count)")
        }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { dst in
            bytes.withUnsafeBytes { src in
                dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[start..<(start + 4 * count)]))
            }
        }
        return Array2(shape: shape, values: values)
    }

    static func signal(_ name: String) throws -> [Float] { try load(name).values }
}

/// Deterministic test signals (no fixtures needed).
enum Signals {
    /// xorshift64* uniform noise in [-amplitude, amplitude).
    static func noise(count: Int, seed: UInt64, amplitude: Float = 0.5) -> [Float] {
        var rng = SeededRNG(seed: seed)
        return (0..<count).map { _ in (Float(rng.next() >> 40) / Float(1 << 24) * 2 - 1) * amplitude }
    }
}

struct SeededRNG: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}

/// Reconstruction error `10·log10(Σ(a−b)² / Σb²)` in dB.
func relativeErrorDB(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
    var err = 0.0, ref = 0.0
    for (x, y) in zip(a, b) {
        err += Double(x - y) * Double(x - y)
        ref += Double(y) * Double(y)
    }
    return 10 * log10(err / ref)
}
