import Foundation
import Testing
@testable import Attend

/// `attend features` end to end: the built binary against librosa golden files
/// (Training/golden/make_features_golden.py) at 8, 16, 44.1 and 48 kHz, mono and stereo.
@Suite struct FeaturesCommandTests {
    static let fixtures = AttendProcess.fixtures.appendingPathComponent("features")

    static func attend(_ args: [String], stdin: URL? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let r = try AttendProcess.run(args, stdin: stdin)
        return (r.status, r.text, r.stderr)
    }

    static func temporary(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("attend-features-\(UUID())-\(name)")
    }

    /// Frame-relative error ‖ours − librosa‖ / ‖librosa‖ ≤ 1e-4 on every frame with energy > 1e-8.
    @Test(arguments: ["speech_8000", "speech_16000", "speech_44100", "speech_48000", "speech_44100_stereo"])
    func powerMelMatchesLibrosa(name: String) throws {
        let out = Self.temporary("\(name).npy")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try Self.attend(["features", Self.fixtures.appendingPathComponent("\(name).wav").path,
                                   "--kind", "power", "--mels", "80", "-o", out.path])
        #expect(run.status == 0, "\(run.stderr)")
        let ours = try NPY.read(out.path)
        let reference = try NPY.read(Self.fixtures.appendingPathComponent("\(name).power80.npy").path)
        #expect(ours.shape == reference.shape)
        guard ours.shape == reference.shape else { return }
        var checked = 0
        for t in 0..<reference.shape[0] {
            var energy: Double = 0, diff: Double = 0
            for m in 0..<80 {
                let r = Double(reference[t, m]), o = Double(ours[t, m])
                energy += r * r
                diff += (o - r) * (o - r)
            }
            guard energy.squareRoot() > 1e-8 else { continue }
            checked += 1
            #expect((diff / energy).squareRoot() <= 1e-4, "frame \(t)")
        }
        #expect(checked > 50)
    }

    @Test func stdinGivesTheSameFeaturesAsTheFile() throws {
        let file = Self.fixtures.appendingPathComponent("speech_44100.wav")
        let a = Self.temporary("a.npy"), b = Self.temporary("b.npy")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        #expect(try Self.attend(["features", file.path, "--kind", "logmel", "-o", a.path]).status == 0)
        #expect(try Self.attend(["features", "-", "--kind", "logmel", "-o", b.path], stdin: file).status == 0)
        let x = try NPY.read(a.path), y = try NPY.read(b.path)
        #expect(x.shape == [101, 80])
        #expect(x == y)
    }

    @Test func linearMagnitudeShapeAndOptions() throws {
        let out = Self.temporary("m.npy")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try Self.attend(["features", Self.fixtures.appendingPathComponent("speech_16000.wav").path,
                                   "--kind", "magnitude", "--n-fft", "256", "--hop", "80", "-o", out.path])
        #expect(run.status == 0)
        #expect(try NPY.read(out.path).shape == [16000 / 80 + 1, 129])
    }

    @Test func badInputGivesOneLineErrorAndNoOutput() throws {
        let text = Self.temporary("notaudio.wav"), out = Self.temporary("x.npy")
        try Data("this is not audio at all, just text\n".utf8).write(to: text)
        defer { try? FileManager.default.removeItem(at: text) }
        for input in [text.path, "/nonexistent/attend/file.wav"] {
            let run = try Self.attend(["features", input, "-o", out.path])
            #expect(run.status != 0)
            #expect(run.stderr.hasPrefix("attend: error: \(input)"), "\(run.stderr)")
            #expect(run.stderr.split(separator: "\n").count == 1)
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: out.deletingLastPathComponent().path)
            .filter { $0.contains("x.npy.attend-tmp") }
        #expect(leftovers.isEmpty)
    }
}
