import Foundation
import Testing
@testable import Attend

/// `attend inspect`, `denoise --plot` and `align --plot` end to end with the small random model:
/// sections, self-containment, PNG sizes, the window, bad inputs. (What the pictures show needs a
/// trained model; scripts/inspect-screenshot.sh renders a report in headless Chromium.)
@Suite struct InspectTests {
    let model = ["--model", AttendProcess.tinyModel]
    static let audio = AttendProcess.packageRoot.appendingPathComponent("Audio/espeak_en_16k.wav").path
    static let short = AttendProcess.fixtures.appendingPathComponent("features/speech_16000.wav").path

    /// The `data:` URIs of `attribute="data:MIME;base64,…"` in `html`, with the tag's width/height.
    static func embedded(_ html: String, mime: String) -> [(data: Data, width: Int?, height: Int?)] {
        var out: [(Data, Int?, Int?)] = []
        let marker = "src=\"data:\(mime);base64,"
        var rest = html[...]
        while let r = rest.range(of: marker) {
            let tagStart = rest[..<r.lowerBound].range(of: "<", options: .backwards)?.lowerBound ?? r.lowerBound
            let end = rest[r.upperBound...].firstIndex(of: "\"")!
            let tag = String(rest[tagStart..<r.lowerBound])
            func attribute(_ name: String) -> Int? {
                guard let a = tag.range(of: " \(name)=\"") else { return nil }
                return Int(tag[a.upperBound...].prefix { $0.isNumber })
            }
            out.append((Data(base64Encoded: String(rest[r.upperBound..<end]))!, attribute("width"), attribute("height")))
            rest = rest[end...]
        }
        return out
    }

    @Test func reportHasEverySectionAndIsSelfContained() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let html = dir.appendingPathComponent("report.html").path, pngs = dir.appendingPathComponent("figures").path
        let r = try AttendProcess.run(["inspect", Self.audio, "--transcript", "the quick brown fox jumps", "--from", "1", "--to", "2.5",
                                       "-o", html, "--png", pngs] + model)
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: html, encoding: .utf8)
        let figureIDs = ["input", "mask", "denoised", "posteriorgram", "cross-attention"]
            + (0..<2).flatMap { l in (0..<4).map { "attention-L\(l)-H\($0)" } }
        for id in figureIDs { #expect(text.contains("id=\"fig-\(id)\""), "missing figure \(id)") }
        for id in ["audio-input", "audio-denoised", "confidence", "attention"] { #expect(text.contains("id=\"\(id)\""), "missing \(id)") }
        for word in ["the", "quick", "brown", "fox", "jumps"] { #expect(text.contains("<tr><td>\(word)</td>")) }
        #expect(text.contains("window 1.00–2.50 s of 6.13 s"))
        #expect(text.contains("α") && text.contains("exact zeros"))
        // Self-contained: nothing fetched from anywhere, no script.
        #expect(!text.contains("http://") && !text.contains("https://") && !text.lowercased().contains("<script"))
        for attr in ["src=\"", "href=\""] {
            for piece in text.components(separatedBy: attr).dropFirst() { #expect(piece.hasPrefix("data:") || piece.hasPrefix("#")) }
        }
        let images = Self.embedded(text, mime: "image/png")
        #expect(images.count == figureIDs.count)
        for image in images {
            let canvas = try PNG.decode(image.data)
            #expect(canvas.width == image.width && canvas.height == image.height)
        }
        // The same figures as files, with the same sizes.
        for (id, image) in zip(figureIDs.sorted(), figureIDs.sorted().map { id in images[figureIDs.firstIndex(of: id)!] }) {
            let file = try PNG.decode(try Data(contentsOf: URL(fileURLWithPath: pngs).appendingPathComponent("\(id).png")))
            #expect(file.width == image.width && file.height == image.height, "\(id)")
        }
        // The players hold the window: 1.5 s of MP3 each.
        let audio = Self.embedded(text, mime: "audio/mpeg")
        #expect(audio.count == 2)
        for (i, clip) in audio.enumerated() {
            let mp3 = dir.appendingPathComponent("clip\(i).mp3")
            try clip.data.write(to: mp3)
            let info = try AudioFileReader.probe(path: mp3.path)
            #expect(info.sampleRate == 16000 && info.channels == 1)
            let seconds = Double(info.frames ?? 0) / 16000
            #expect(abs(seconds - 1.5) < 0.1, "\(seconds) s")
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
    }

    @Test func windowSetsTheTimeAxisAndNoTranscriptMeansNoAlignment() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pngs = dir.appendingPathComponent("figures")
        let run = { (from: String, to: String) throws -> AttendProcess.Result in
            try AttendProcess.run(["inspect", Self.audio, "--from", from, "--to", to, "-o", dir.appendingPathComponent("r.html").path,
                                   "--png", pngs.path] + self.model)
        }
        let r = try run("0.5", "1.5")
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: dir.appendingPathComponent("r.html").path, encoding: .utf8)
        #expect(text.contains("window 0.50–1.50 s"))
        #expect(!text.contains("id=\"fig-cross-attention\"") && !text.contains("id=\"confidence\""))
        #expect(text.contains("id=\"fig-posteriorgram\"") && text.contains("id=\"fig-attention-L1-H3\""))
        // 100 frames of 10 ms: the plot is enlarged 7× to 700 pixels; twice the window, twice the frames.
        let oneSecond = try PNG.decode(try Data(contentsOf: pngs.appendingPathComponent("input.png")))
        let r2 = try run("0.5", "2.5")
        #expect(r2.status == 0, "\(r2.stderr)")
        let twoSeconds = try PNG.decode(try Data(contentsOf: pngs.appendingPathComponent("input.png")))
        #expect(twoSeconds.height == oneSecond.height)
        #expect(twoSeconds.width - oneSecond.width == 201 * 3 - 101 * 7)
        #expect(!FileManager.default.fileExists(atPath: pngs.appendingPathComponent("cross-attention.png").path))
    }

    @Test func badInputsFailWithOneLineAndLeaveNothing() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("r.html").path
        let notAudio = dir.appendingPathComponent("notes.wav")
        try Data("this is not audio".utf8).write(to: notAudio)
        let cases: [[String]] = [
            ["inspect", dir.appendingPathComponent("missing.wav").path, "-o", out],
            ["inspect", notAudio.path, "-o", out],
            ["inspect", Self.audio, "--from", "60", "-o", out],
            ["inspect", Self.audio, "--transcript", "   ", "-o", out],
        ]
        for args in cases {
            let r = try AttendProcess.run(args + model)
            #expect(r.status == 1, "\(args)")
            #expect(r.stderr.hasPrefix("attend: error: ") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
        let usage = try AttendProcess.run(["inspect", Self.audio, "--from", "2", "--to", "1", "-o", out] + model)
        #expect(usage.status != 0 && usage.stderr.contains("--to must be after --from"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["notes.wav"])
    }

    @Test func denoisePlotIsABeforeAfterPNG() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plot = dir.appendingPathComponent("plot.png").path
        let r = try AttendProcess.run(["denoise", Self.short, "-o", dir.appendingPathComponent("out.wav").path, "--plot", plot] + model)
        #expect(r.status == 0, "\(r.stderr)")
        let canvas = try PNG.decode(try Data(contentsOf: URL(fileURLWithPath: plot)))
        #expect(canvas.width > 700 && canvas.height > 2 * Heatmap.autoHeight)
        let stream = try AttendProcess.run(["denoise", Self.short, "-o", "-", "--plot", plot] + model)
        #expect(stream.status != 0 && stream.stderr.contains("--plot"))
    }

    @Test func alignPlotIsADecodablePNG() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let plot = dir.appendingPathComponent("words.png").path
        let r = try AttendProcess.run(["align", Self.short, "--transcript", "hello world", "--plot", plot] + model)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.text.hasPrefix("{\"audio\":"))
        let canvas = try PNG.decode(try Data(contentsOf: URL(fileURLWithPath: plot)))
        #expect(canvas.width > 700 && canvas.height > Heatmap.autoHeight)
        #expect(canvas.pixels.contains(255))  // white word boundaries and background
    }

    @Test func memoryEncoderWritesPlayableMP3AndFLAC() throws {
        let dir = try AttendProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tone = (0..<16000).map { Float(0.3 * sin(Double($0) * 2 * Double.pi * 440 / 16000)) }
        for format in [CompressedAudioFormat.mp3, .flac16, .oggVorbis] {
            let bytes = try AudioMemoryEncoder.encode(tone, sampleRate: 16000, format: format, compression: 0.82)
            let file = dir.appendingPathComponent("tone.\(format.rawValue)")
            try bytes.write(to: file)
            let samples = try readMono16k(path: file.path)
            #expect(abs(samples.count - 16000) < 1600, "\(format): \(samples.count)")
            let rms = (samples.map { Double($0 * $0) }.reduce(0, +) / Double(max(1, samples.count))).squareRoot()
            #expect(abs(rms - 0.3 / 2.0.squareRoot()) < 0.03, "\(format): rms \(rms)")
        }
        let mp3 = try AudioMemoryEncoder.encode(tone, sampleRate: 16000, format: .mp3, compression: InspectReport.audioCompression)
        let kbps = Double(mp3.count) * 8 / 1000
        #expect(kbps > 12 && kbps < 40, "\(kbps) kbit/s")
    }

    @Test func libraryReportCountsZerosAndKeepsTheWindow() throws {
        let model = try AttendModel(weights: URL(fileURLWithPath: AttendProcess.tinyModel),
                                    config: URL(fileURLWithPath: AttendProcess.tinyModel.replacingOccurrences(of: ".safetensors", with: ".json")))
        var options = InspectOptions()
        options.from = 0.25
        options.to = 0.75
        options.attentionFrames = 30
        let report = try InspectReport.build(model: model, file: Self.short, options: options)
        #expect(abs(report.start - 0.25) < 1e-9 && abs(report.end - 0.75) < 1e-9)
        #expect(report.inputAudio.count == 8000 && report.denoisedAudio.count == 8000)
        #expect(abs(report.attentionEnd - report.attentionStart - 0.30) < 1e-9)
        #expect(report.heads.count == model.config.nLayers * model.config.nHeads)
        for s in report.heads {
            #expect(abs(s.alpha - model.alphas[s.layer][s.head]) < 1e-6)
            #expect((0...1).contains(s.zeroShare))
        }
        // Heads with α near 2 are sparse, heads near 1 dense (the tiny model has both).
        let sparse = report.heads.filter { $0.alpha >= 1.9 }, dense = report.heads.filter { $0.alpha <= 1.1 }
        #expect(!sparse.isEmpty && !dense.isEmpty)
        #expect(sparse.allSatisfy { $0.zeroShare > 0.5 } && dense.allSatisfy { $0.zeroShare < 0.2 })
        #expect(report.figures.map(\.id).prefix(4) == ["input", "mask", "denoised", "posteriorgram"])
        let attention = try #require(report.figures.first { $0.id == "attention-L0-H0" })
        #expect(attention.canvas.width > 240 && attention.canvas.height > 240)
        #expect(throws: InspectError.self) {
            var late = InspectOptions()
            late.from = 5
            _ = try InspectReport.build(model: model, file: Self.short, options: late)
        }
    }
}
