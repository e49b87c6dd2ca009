import Foundation
import Testing
@testable import NeuralEngine

/// Inputs that crashed a fuzz target (Fuzz/, scripts/fuzz.sh), kept as regression tests. The
/// inputs themselves live in Fuzz/Corpus/<target>/crash-*, so the fuzzers start from them too.
@Suite struct FuzzRegressionTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")

    static func crashInputs(_ target: String) -> [URL] {
        let dir = corpus.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasPrefix("crash-") }.sorted().map { dir.appendingPathComponent($0) }
    }

    /// FuzzNPY: a header whose shape's element (or byte) count overflows Int trapped in
    /// `NPY.decode`; it is a malformed file, refused with a one-line error.
    @Test func npyShapeOverflowIsRefused() throws {
        for shape in ["(4611686018427387904, 4)", "(3037000500, 3037000500)", "(2305843009213693952,)"] {
            var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shape), }"
            header += String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
            let bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
                + Array(header.utf8)
            #expect(throws: NPYError.self) { try NPY.decode(Data(bytes), name: "x.npy") }
            do { _ = try NPY.decode(Data(bytes), name: "x.npy") } catch {
                #expect("\(error)".contains("x.npy") && !"\(error)".contains("\n"))
            }
        }
    }

    /// FuzzNPY (CI, seed 1): a dtype string holding a newline made the error text two lines.
    @Test func npyDescrWithANewlineErrorIsOneLine() throws {
        let header = "{'descr': '\n|b1', 'fortran_order': False, 'shape': (4,), }\n"
        let bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8) + [UInt8](repeating: 1, count: 16)
        do {
            _ = try NPY.decode(Data(bytes), name: "x.npy")
            Issue.record("a dtype with a newline was accepted")
        } catch {
            #expect("\(error)".contains("x.npy") && !"\(error)".contains("\n"), "\(error)")
        }
    }

    /// FuzzNPY: a bad dimension holding a newline made the error text two lines.
    @Test func npyBadDimensionErrorIsOneLine() throws {
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (0, yy\nyy), }\n"
        let bytes = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
        do {
            _ = try NPY.decode(Data(bytes), name: "x.npy")
            Issue.record("a bad dimension was accepted")
        } catch {
            #expect("\(error)".contains("x.npy") && !"\(error)".contains("\n"), "\(error)")
        }
    }

    /// Every saved FuzzNPY crash input now decodes consistently or throws an NPYError.
    @Test func savedNPYCrashInputs() throws {
        let inputs = Self.crashInputs("FuzzNPY")
        #expect(!inputs.isEmpty)
        for url in inputs {
            do {
                let t = try NPY.decode(try Data(contentsOf: url), name: url.lastPathComponent)
                #expect(t.data.count == t.shape.reduce(1, *))
            } catch is NPYError {}
        }
    }
}
