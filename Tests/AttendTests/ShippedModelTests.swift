import Foundation
import Testing
@testable import Attend

/// The models committed in Models/ (attend-deep, the CLI's default, and the smaller attend-base):
/// the default is what the locator finds, each is small and denoises the sample audio. Quality
/// against the anchors is Benchmarks/'s job (reserved audio); these tests guard against a broken
/// or swapped model.
@Suite struct ShippedModelTests {
    static let repo = DenoiserTests.root.deletingLastPathComponent()
    static let audio = repo.appendingPathComponent("Audio")
    /// Every model in Models/, the default first.
    static let shipped = [ModelLocator.defaultName, "attend-base"]

    /// The shipped model `name` (the default model without one).
    static func model(_ name: String = ModelLocator.defaultName) throws -> AttendModel {
        let dir = repo.appendingPathComponent("Models")
        return try AttendModel(weights: dir.appendingPathComponent("\(name).safetensors"),
                               config: dir.appendingPathComponent("\(name).json"))
    }

    /// SI-SDR in dB of `estimate` against `reference` (scale-invariant, both mean-removed).
    static func siSDR(_ reference: [Float], _ estimate: [Float]) -> Double {
        let n = min(reference.count, estimate.count)
        let r = reference[..<n].map(Double.init), e = estimate[..<n].map(Double.init)
        let mr = r.reduce(0, +) / Double(n), me = e.reduce(0, +) / Double(n)
        let rc = r.map { $0 - mr }, ec = e.map { $0 - me }
        let dot = zip(rc, ec).map(*).reduce(0, +), rr = rc.map { $0 * $0 }.reduce(0, +)
        let target = rc.map { $0 * dot / rr }
        let noise = zip(ec, target).map { $0 - $1 }
        return 10 * log10(target.map { $0 * $0 }.reduce(0, +) / noise.map { $0 * $0 }.reduce(0, +))
    }

    @Test func theDefaultModelIsTheShippedOne() throws {
        let (weights, _) = try ModelLocator.resolve(nil)
        #expect(weights.lastPathComponent == "attend-deep.safetensors")
        var total = 0
        for name in Self.shipped {
            for ext in ["safetensors", "json"] {
                let path = Self.repo.appendingPathComponent("Models/\(name).\(ext)").path
                total += try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            }
        }
        #expect(total > 0 && total < 20_000_000, "Models/ holds \(total) bytes of models")
    }

    /// Speech in pink noise at 5 dB: the denoised output is closer to the clean recording.
    @Test(arguments: shipped) func denoisingRaisesSISDROnTheNoisySample(name: String) throws {
        let noisy = Self.audio.appendingPathComponent("asterisk_conf_onlyperson_16k_pink5db.wav").path
        let clean = try readMono16k(path: Self.audio.appendingPathComponent("asterisk_conf_onlyperson_16k.wav").path)
        let output = DenoiserTests.temporary("shipped-\(name).wav")
        defer { try? FileManager.default.removeItem(atPath: output) }
        var options = DenoiseOptions()
        options.format = .wavFloat
        try Denoiser(model: try Self.model(name)).run(input: noisy, output: output, options: options)
        let before = Self.siSDR(clean, try readMono16k(path: noisy))
        let after = Self.siSDR(clean, try readMono16k(path: output))
        #expect(after - before > 3, "\(name): SI-SDR \(before) → \(after) dB")
    }
}
