import Foundation
import Testing
@testable import NeuralEngine

/// Mutated valid files must either load (and then read every tensor consistently) or throw a
/// `CheckpointError`; a crash fails the whole test run.
@Suite struct CheckpointFuzzTests {
    @Test func mutatedFilesNeverCrash() throws {
        let valid = try sampleCheckpointWriter().data()
        var rng = SeededRandom(seed: 2024)
        var loaded = 0
        var rejected = 0
        for _ in 0 ..< 3000 {
            var bytes = [UInt8](valid)
            for _ in 0 ..< Int.random(in: 1 ... 4, using: &rng) {
                mutate(&bytes, using: &rng)
            }
            do {
                let file = try SafeTensorsFile(data: Data(bytes), file: "fuzz")
                for name in file.names {
                    #expect(try file.floats(name).count == file.shape(name).reduce(1, *))
                }
                loaded += 1
            } catch {
                #expect(!error.description.isEmpty && !error.description.contains("\n"))
                rejected += 1
            }
        }
        #expect(rejected > 1000)
        #expect(loaded > 0)
    }

    private func mutate(_ bytes: inout [UInt8], using rng: inout SeededRandom) {
        guard !bytes.isEmpty else { bytes = [UInt8.random(in: 0 ... 255, using: &rng)]; return }
        let position = Int.random(in: 0 ..< bytes.count, using: &rng)
        switch Int.random(in: 0 ..< 7, using: &rng) {
        case 0: bytes[position] ^= UInt8(1) << UInt8.random(in: 0 ..< 8, using: &rng)
        case 1: bytes[position] = UInt8.random(in: 0 ... 255, using: &rng)
        case 2: bytes.removeSubrange(position...)
        case 3: bytes.insert(UInt8.random(in: 0 ... 255, using: &rng), at: position)
        case 4: bytes.remove(at: position)
        case 5:
            // Replace a digit in the header to shift shapes and offsets.
            let headerEnd = min(bytes.count, 8 + 200)
            if let digit = (8 ..< headerEnd).filter({ (48 ... 57).contains(bytes[$0]) }).randomElement(using: &rng) {
                bytes[digit] = UInt8.random(in: 48 ... 57, using: &rng)
            }
        default:
            // Rewrite the header length field.
            let length = UInt64.random(in: 0 ... UInt64(bytes.count + 16), using: &rng)
            withUnsafeBytes(of: length.littleEndian) { raw in
                for i in 0 ..< min(8, bytes.count) { bytes[i] = raw[i] }
            }
        }
    }
}
