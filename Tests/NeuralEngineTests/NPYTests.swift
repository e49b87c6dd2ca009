import Foundation
import Testing
@testable import NeuralEngine

@Suite struct NPYTests {
    @Test func roundTripThroughAFile() throws {
        var rng = SeededRandom(seed: 11)
        let t = rng.tensor([13, 257])
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString).npy").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NPY.write(t, to: path)
        let back = try NPY.read(path)
        #expect(back == t)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count == 128 + 4 * t.count)  // header padded to 64 bytes
        let header = String(decoding: bytes[10..<128], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (13, 257), }"))
        #expect(header.hasSuffix("\n"))
    }

    @Test func shapesOfAnyRank() throws {
        for shape in [[], [0], [5], [2, 3, 4]] {
            let t = Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map(Float.init))
            #expect(try NPY.decode(NPY.encode(t)) == t)
            let bytes = NPY.encode(t)
            #expect((10 + Int(bytes[8]) + 256 * Int(bytes[9])) % 64 == 0)
        }
    }

    @Test func readsFilesWrittenByNumPy() throws {
        // The fixtures were written by numpy.save.
        let x = try fixture("linear_x")
        #expect(x.shape == [5, 12])
        let mask = try fixture("mha_mask")
        #expect(mask.shape == [23, 23] && mask[0, 0] == 0 && mask[0, 5] == -.infinity)
    }

    func replacing(_ d: Data, _ a: String, _ b: String) -> Data {
        var d = d
        if let r = d.range(of: Data(a.utf8)) { d.replaceSubrange(r, with: Data(b.utf8)) }
        return d
    }

    @Test func malformedFilesGiveOneLineErrors() {
        let good = NPY.encode(Tensor(shape: [2, 2], data: [1, 2, 3, 4]))
        let cases: [(Data, String)] = [
            (Data([1, 2, 3]), "magic"),
            (good.prefix(40), "header length"),
            (good.prefix(good.count - 3), "data holds"),
            (replacing(good, "<f4", "<c8"), "dtype"),
            (replacing(good, "False", "True "), "Fortran"),
        ]
        for (bytes, needle) in cases {
            do {
                _ = try NPY.decode(bytes, name: "bad.npy")
                Issue.record("expected an error containing \(needle)")
            } catch {
                let text = "\(error)"
                #expect(text.contains(needle) && text.contains("bad.npy") && !text.contains("\n"), "\(text)")
            }
        }
    }
}

@Suite struct NPYStreamWriterTests {
    @Test func streamedRowsReadBackAsOneArray() throws {
        var rng = SeededRandom(seed: 12)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("npyw-\(UUID().uuidString).npy").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let w = try NPYStreamWriter(path: path, columns: 7)
        var all: [Float] = []
        for n in [3, 0, 11, 1] {
            let t = rng.tensor([n, 7])
            try w.append(t)
            all += t.elements
        }
        try w.finish()
        let back = try NPY.read(path)
        #expect(back == Tensor(shape: [15, 7], data: all))
        #expect(throws: NPYError.self) { try w.append(rng.tensor([1, 7])) }
    }

    @Test func unwritablePathIsAnError() {
        #expect(throws: NPYError.self) { _ = try NPYStreamWriter(path: "/nonexistent-dir/x.npy", columns: 3) }
    }
}
