import Foundation
import Testing
@testable import Attend

/// `attend align` and `attend spot` end to end with the small random model: schemas, formats,
/// every word once and in order, batch, errors. (Timing accuracy needs a trained model and is
/// measured by Benchmarks/.)
@Suite struct AlignCommandTests {
    let model = ["--model", AttendProcess.tinyModel]
    static let audio = AttendProcess.packageRoot.appendingPathComponent("Audio/espeak_en_16k.wav")
    static let text = "The quick brown fox jumps over the lazy dog. Attend finds every word in time."

    @Test func jsonHasEveryWordOnceInOrderWithTimesAndConfidence() throws {
        let r = try AttendProcess.run(["align", Self.audio.path, "--transcript", Self.text] + model)
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let words = try #require(object["words"] as? [[String: Any]])
        #expect(words.map { $0["word"] as? String } == ["The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "Attend", "finds", "every", "word", "in", "time"])
        let duration = try #require(object["duration"] as? Double)
        #expect(abs(duration - 6.128) < 0.01)
        var previousEnd = 0.0
        for w in words {
            let start = try #require(w["start"] as? Double), end = try #require(w["end"] as? Double)
            let confidence = try #require(w["confidence"] as? Double)
            #expect(start >= previousEnd - 1e-9 && end > start && end <= duration)
            #expect((0...1).contains(confidence))
            let phones = try #require(w["phones"] as? [[String: Any]])
            #expect(!phones.isEmpty)
            previousEnd = end
        }
    }

    /// `--jsonl` from stdin: one line per word, in order, each with its times, confidence and the
    /// audio read when it came out, which is never before its end and, with a fixed lag
    /// (`--max-decision-lag 0`), within the lag + interval + chunk + read of it.
    @Test(arguments: [["--max-decision-lag", "0"], []])
    func jsonlStreamsEveryWordWithItsEmissionTime(extra: [String]) throws {
        let r = try AttendProcess.run(["align", "-", "--jsonl", "--transcript", Self.text] + extra + model, stdin: Self.audio)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n")
        let words = try lines.map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(words.map { $0["word"] as? String } == Self.text.split(separator: " ").map { String($0.filter { $0.isLetter }) })
        for w in words {
            let end = try #require(w["end"] as? Double), at = try #require(w["emitted_at"] as? Double)
            #expect(at >= end - 1e-9)
            #expect(w["confidence"] is Double)
            if extra.isEmpty { #expect(at - end <= StreamingAligner.defaultMaxDecisionLag + 0.25 || at > 6.1) }
            else { #expect(at - end <= StreamingAligner.defaultDecisionLag + 0.25 || at > 6.1, "\(w)") }
        }
    }

    /// `--jsonl` reads the audio alone unless `--denoise` says otherwise (the files' default,
    /// auto, is not the stream's): no option gives `--denoise off`'s lines, `--denoise blend`
    /// other times or confidences for the same words (the shipped model: the tiny one's phone
    /// posteriors are too flat for the blend to show at three decimals).
    @Test func jsonlDenoisesOnlyWhenAsked() throws {
        func lines(_ extra: [String]) throws -> [String] {
            let r = try AttendProcess.run(["align", "-", "--jsonl", "--transcript", Self.text] + extra, stdin: Self.audio)
            #expect(r.status == 0, "\(r.stderr)")
            return String(decoding: r.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        }
        let plain = try lines([]), off = try lines(["--denoise", "off"]), blend = try lines(["--denoise", "blend"])
        #expect(plain == off)
        #expect(blend.count == off.count && blend != off)
    }

    /// The hidden `--beam`: 0 is the exact search (every word still placed, in order); a
    /// negative beam is refused with one line.
    @Test func beamZeroIsExactAndNegativeIsRefused() throws {
        let exact = try AttendProcess.run(["align", Self.audio.path, "--transcript", Self.text, "--beam", "0"] + model)
        #expect(exact.status == 0, "\(exact.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: exact.stdout) as? [String: Any])
        let words = try #require(object["words"] as? [[String: Any]])
        #expect(words.count == 15)
        let bad = try AttendProcess.run(["align", Self.audio.path, "--transcript", Self.text, "--beam=-1"] + model)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--beam must be ≥ 0"), "\(bad.stderr)")
    }

    /// The hidden `--final-stop-extra-frames`: with the shipped model, a bound of 3 holds every
    /// word-final stop to the phone minimum (at most 5 frames) + 3 frames; 0 lifts the bound (the
    /// same words, other times); a bound outside 3...7 is refused with one line.
    @Test func finalStopBoundIsAnOption() throws {
        func words(_ extra: [String]) throws -> [[String: Any]] {
            let r = try AttendProcess.run(["align", Self.audio.path, "--transcript", Self.text, "--denoise", "off"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
            return try #require(object["words"] as? [[String: Any]])
        }
        func finalStops(_ words: [[String: Any]]) -> [Double] {
            words.compactMap { w in
                guard let last = (w["phones"] as? [[String: Any]])?.last, let phone = last["phone"] as? String,
                      ["P", "T", "K", "B", "D", "G"].contains(phone),
                      let start = last["start"] as? Double, let end = last["end"] as? Double else { return nil }
                return end - start
            }
        }
        let tight = try words(["--final-stop-extra-frames", "3"]), free = try words(["--final-stop-extra-frames", "0"])
        #expect(finalStops(tight).count == 4)  // quick, dog, Attend, word
        #expect(finalStops(tight).allSatisfy { $0 <= 0.08 + 1e-9 }, "\(finalStops(tight))")
        #expect(tight.map { $0["word"] as? String } == free.map { $0["word"] as? String })
        #expect(finalStops(free).max()! > finalStops(tight).max()!)
        let bad = try AttendProcess.run(["align", Self.audio.path, "--transcript", Self.text, "--final-stop-extra-frames", "9"] + model)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--final-stop-extra-frames must be 0 (no bound) or in 3...7"), "\(bad.stderr)")
    }

    @Test(arguments: AlignmentFormat.allCases)
    func everyFormatIsWritten(format: AlignmentFormat) throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("out.\(format.fileExtension)")
        let r = try AttendProcess.run(["align", Self.audio.path, "--transcript", "hello world, again", "-o", out.path] + model)
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOf: out, encoding: .utf8)
        switch format {
        case .json: #expect(text.hasPrefix("{\"audio\":"))
        case .textgrid: #expect(text.hasPrefix("File type = \"ooTextFile\""))
        case .srt: #expect(text.hasPrefix("1\n00:00:"))
        case .vtt: #expect(text.hasPrefix("WEBVTT"))
        case .ctm: #expect(text.split(separator: "\n").count == 3 && text.hasPrefix("espeak_en_16k 1 "))
        case .audacity: #expect(text.split(separator: "\n").count == 3)
        case .tsv: #expect(text.hasPrefix("word\tstart\tend\tconfidence\n"))
        }
    }

    @Test func transcriptFileStdinAndDirectories() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("in/sub")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.audio, to: input.appendingPathComponent("a.wav"))
        try Data(Self.text.utf8).write(to: input.appendingPathComponent("a.txt"))
        try FileManager.default.copyItem(at: Self.audio, to: input.appendingPathComponent("b.wav"))
        try Data("nineteen 84 words".utf8).write(to: input.appendingPathComponent("b.lab"))
        try FileManager.default.copyItem(at: Self.audio, to: input.appendingPathComponent("orphan.wav"))

        let fromStdin = try AttendProcess.run(["align", "-", "--transcript-file", input.appendingPathComponent("a.txt").path] + model, stdin: Self.audio)
        #expect(fromStdin.status == 0, "\(fromStdin.stderr)")

        let out = dir.appendingPathComponent("out")
        let batch = try AttendProcess.run(["align", dir.appendingPathComponent("in").path, "-o", out.path, "--format", "textgrid"] + model)
        #expect(batch.status == 1)  // orphan.wav has no transcript
        #expect(batch.stderr.contains("orphan.wav: no transcript"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("sub/a.TextGrid").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("sub/b.TextGrid").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("sub/orphan.TextGrid").path))
    }

    @Test func badTranscriptsAndAudio() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.json")
        let empty = try AttendProcess.run(["align", Self.audio.path, "--transcript", " ... ", "-o", out.path] + model)
        #expect(empty.status == 1 && empty.stderr.contains("no words"))
        let both = try AttendProcess.run(["align", Self.audio.path] + model)
        #expect(both.status != 0)
        // a transcript far longer than 0.05 s of audio: an error, not a crash, and no output
        let short = dir.appendingPathComponent("short.wav")
        let w = try AudioFileWriter(path: short.path, sampleRate: 16000, channels: 1, format: .wav16)
        try w.write([Float](repeating: 0, count: 800))
        try w.finish()
        let long = String(repeating: "word ", count: 200)
        let tooLong = try AttendProcess.run(["align", short.path, "--transcript", long, "-o", out.path] + model)
        #expect(tooLong.status == 1 && tooLong.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // another script still yields every word
        let other = try AttendProcess.run(["align", Self.audio.path, "--transcript", "東京 Привет"] + model)
        #expect(other.status == 0)
        let words = (try JSONSerialization.jsonObject(with: other.stdout) as? [String: Any])?["words"] as? [[String: Any]]
        #expect(words?.map { $0["word"] as? String } == ["東京", "Привет"])
    }

    @Test func spotPrintsTheDocumentedSchema() throws {
        let r = try AttendProcess.run(["spot", Self.audio.path, "--keywords", "attend, lost dog", "--threshold", "0"] + model)
        #expect(r.status == 0, "\(r.stderr)")
        let hits = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [[String: Any]])
        #expect(!hits.isEmpty)
        for h in hits {
            #expect(Set(h.keys) == ["keyword", "start", "end", "score"])
            #expect(["attend", "lost dog"].contains(h["keyword"] as? String))
        }
        let none = try AttendProcess.run(["spot", Self.audio.path, "--keywords", "attend", "--threshold", "1"] + model)
        #expect(none.text == "[]\n")
    }
}
