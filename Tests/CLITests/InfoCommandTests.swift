import Foundation
import Testing

/// `attend info` end to end: the built binary against `soxi` on files sox made.
@Suite(.enabled(if: CLIRunner.attendExists, "run `swift build` first: \(CLIRunner.attendPath) is missing"))
struct InfoCommandTests {
    typealias R = CLIRunner

    /// name, sox options for the output, expected libsndfile format and subtype.
    static let files: [(String, String, String, String)] = [
        ("s16.wav", "-r 16000 -c 1 -b 16", "WAV", "PCM_16"),
        ("s24.wav", "-r 44100 -c 2 -b 24", "WAVEX", "PCM_24"),
        ("f32.wav", "-r 22050 -c 1 -e floating-point -b 32", "WAV", "FLOAT"),
        ("ulaw.wav", "-r 8000 -c 1 -e u-law", "WAV", "ULAW"),
        ("x.flac", "-r 48000 -c 2 -b 16", "FLAC", "PCM_16"),
        ("x.ogg", "-r 16000 -c 1", "OGG", "VORBIS"),
    ]

    func soxi(_ flag: String, _ path: String) throws -> Int {
        Int(try R.sh("soxi \(flag) \(R.q(path))").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    func parse(_ json: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    func make(_ dir: CLITempDir, _ name: String, _ options: String) throws -> String {
        let path = dir.path(name)
        let made = try R.sh("sox -n \(options) \(R.q(path)) synth 1.37 sine 300:3000")
        try #require(made.status == 0, "sox: \(made.stderr)")
        return path
    }

    @Test(arguments: files)
    func jsonAgreesWithSoxiForFilesAndStdin(file: (String, String, String, String)) throws {
        let dir = CLITempDir(); defer { dir.cleanup() }
        let path = try make(dir, file.0, file.1)
        let rate = try soxi("-r", path), channels = try soxi("-c", path), frames = try soxi("-s", path)
        #expect(frames > 0)
        for command in ["$ATTEND info \(R.q(path)) --json",
                        "cat \(R.q(path)) | $ATTEND info - --json",
                        "sox \(R.q(path)) -t wav - | $ATTEND info - --json"] {
            let r = try R.sh(command)
            #expect(r.status == 0, "\(command): \(r.stderr)")
            #expect(r.stderr.isEmpty)
            #expect(r.stdout.split(separator: "\n").count == 1, "one JSON object on one line")
            let object = try parse(r.stdout)
            #expect(Set(object.keys) == ["format", "subtype", "sampleRate", "channels", "frames", "duration"])
            #expect(object["sampleRate"] as? Int == rate, "\(command)")
            #expect(object["channels"] as? Int == channels, "\(command)")
            #expect(object["frames"] as? Int == frames, "\(command)")
            let duration = try #require(object["duration"] as? Double)
            #expect(abs(duration - Double(frames) / Double(rate)) < 1e-9)
            if !command.contains("-t wav") {
                #expect(object["format"] as? String == file.2 && object["subtype"] as? String == file.3, "\(object)")
            }
        }
    }

    @Test func humanReadableByDefault() throws {
        let dir = CLITempDir(); defer { dir.cleanup() }
        let path = try make(dir, "h.wav", "-r 16000 -c 1 -b 16")
        let r = try R.sh("$ATTEND info \(R.q(path))")
        #expect(r.status == 0)
        #expect(r.stdout.contains("Sample rate: 16000 Hz"))
        #expect(r.stdout.contains("Frames:      21920"))
        #expect(r.stdout.contains("Duration:    1.370000 s"))
    }

    @Test func rawPCMFromStdinAndFile() throws {
        let dir = CLITempDir(); defer { dir.cleanup() }
        let path = try make(dir, "r.wav", "-r 8000 -c 2 -b 16")
        for (fmt, soxType) in [("s16le", "-e signed -b 16 -L"), ("s16be", "-e signed -b 16 -B"), ("f32le", "-e floating-point -b 32 -L"),
                               ("u8", "-e unsigned -b 8")] {
            let raw = dir.path("r-\(fmt).raw")
            #expect(try R.sh("sox \(R.q(path)) -t raw \(soxType) \(R.q(raw))").status == 0)
            for input in ["cat \(R.q(raw)) | $ATTEND info -", "$ATTEND info \(R.q(raw))"] {
                let r = try R.sh("\(input) --raw \(fmt) --rate 8000 --channels 2 --json")
                #expect(r.status == 0, "\(fmt): \(r.stderr)")
                let object = try parse(r.stdout)
                #expect(object["frames"] as? Int == 10960 && object["sampleRate"] as? Int == 8000 && object["channels"] as? Int == 2,
                        "\(fmt): \(object)")
            }
        }
    }

    /// Each bad input: non-zero exit, nothing on stdout, exactly one line on stderr naming the file.
    @Test func badInputsGiveOneLineErrors() throws {
        let dir = CLITempDir(); defer { dir.cleanup() }
        let good = try make(dir, "good.wav", "-r 16000 -c 1 -b 16")
        func header(channels: Int, rate: Int) -> Data {
            var d = Data()
            func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
            func u16(_ v: Int) { withUnsafeBytes(of: UInt16(truncatingIfNeeded: v).littleEndian) { d.append(contentsOf: $0) } }
            d.append(contentsOf: Array("RIFF".utf8)); u32(36 + 400); d.append(contentsOf: Array("WAVEfmt ".utf8)); u32(16)
            u16(1); u16(channels); u32(rate); u32(rate * 2); u16(2); u16(16)
            d.append(contentsOf: Array("data".utf8)); u32(400); d.append(Data(count: 400))
            return d
        }
        try Data().write(to: URL(fileURLWithPath: dir.path("empty.wav")))
        try Data("this is text, not audio\n".utf8).write(to: URL(fileURLWithPath: dir.path("text.wav")))
        let goodBytes = try Data(contentsOf: URL(fileURLWithPath: good))
        try goodBytes.prefix(30).write(to: URL(fileURLWithPath: dir.path("cut-header.wav")))
        try goodBytes.prefix(goodBytes.count / 2).write(to: URL(fileURLWithPath: dir.path("cut-data.wav")))
        let flac = try make(dir, "good.flac", "-r 16000 -c 1 -b 16")
        let flacBytes = try Data(contentsOf: URL(fileURLWithPath: flac))
        try flacBytes.prefix(flacBytes.count / 2).write(to: URL(fileURLWithPath: dir.path("cut.flac")))
        try header(channels: 0, rate: 16000).write(to: URL(fileURLWithPath: dir.path("zero-ch.wav")))
        try header(channels: 1, rate: 2_000_000_000).write(to: URL(fileURLWithPath: dir.path("huge-rate.wav")))

        let cases: [(String, String, String)] = [
            ("$ATTEND info \(R.q(dir.path("missing.wav")))", dir.path("missing.wav"), "no such file"),
            ("$ATTEND info \(R.q(dir.path("empty.wav")))", dir.path("empty.wav"), "empty"),
            ("$ATTEND info \(R.q(dir.path("text.wav")))", dir.path("text.wav"), "not a readable audio file"),
            ("$ATTEND info \(R.q(dir.path("cut-header.wav")))", dir.path("cut-header.wav"), "not a readable audio file"),
            ("$ATTEND info \(R.q(dir.path("cut-data.wav")))", dir.path("cut-data.wav"), "truncated"),
            ("$ATTEND info \(R.q(dir.path("zero-ch.wav")))", dir.path("zero-ch.wav"), "0 channels"),
            ("$ATTEND info \(R.q(dir.path("huge-rate.wav")))", dir.path("huge-rate.wav"), "sample rate"),
            ("head -c 20 \(R.q(good)) | $ATTEND info -", "stdin", "not a readable audio file"),
            ("$ATTEND info - < /dev/null", "stdin", "empty"),
            ("$ATTEND info --decode \(R.q(dir.path("cut.flac")))", dir.path("cut.flac"), "flac"),
            ("cat \(R.q(dir.path("text.wav"))) | $ATTEND info - --json", "stdin", "not a readable audio file"),
        ]
        for (command, file, cause) in cases {
            let r = try R.sh(command)
            #expect(r.status != 0, "\(command)")
            #expect(r.stdout.isEmpty, "\(command): \(r.stdout)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(command): \(r.stderr)")
            #expect(r.stderr.hasPrefix("attend: error: \(file): "), "\(command): \(r.stderr)")
            #expect(r.stderr.contains(cause), "\(command): \(r.stderr)")
        }
    }

    /// `attend info --model`: resolves as the commands do ($ATTEND_MODEL, names, paths), reports
    /// what the file holds, and fails in one line on a model that is missing or broken.
    @Test func modelDescriptionResolvesLikeTheCommands() throws {
        let models = AttendProcess.packageRoot.appendingPathComponent("Models").path
        let byDefault = try parse(try R.sh("env -u ATTEND_MODEL $ATTEND info --model default --json").stdout)
        #expect(byDefault["name"] as? String == "attend-deep")
        #expect(byDefault["weights"] as? String == models + "/attend-deep.safetensors")
        #expect(byDefault["layers"] as? Int == 6)
        let parameters = try #require(byDefault["parameters"] as? Int)
        #expect(parameters > 1_700_000 && parameters < 1_900_000, "\(parameters)")
        let alphas = try #require(byDefault["alphas"] as? [[Double]])
        #expect(alphas.count == 6 && alphas.allSatisfy { $0.count == byDefault["heads"] as? Int })
        #expect(alphas.joined().allSatisfy { $0 > 1 && $0 <= 2 })
        let bytes = try ["safetensors", "json"].reduce(0) { sum, ext in
            sum + (try FileManager.default.attributesOfItem(atPath: models + "/attend-deep.\(ext)")[.size] as? Int ?? 0)
        }
        #expect(byDefault["bytes"] as? Int == bytes)
        #expect(byDefault["maskDecoderChannels"] as? Int == 8 && byDefault["maskDecoderDecays"] as? [Double] == [0.9, 0.98, 0.995])

        let fixtures = AttendProcess.packageRoot.appendingPathComponent("Tests/SpeechModelsTests/Fixtures").path
        let ema = try R.sh("$ATTEND info --model \(R.q(fixtures + "/tinyema.safetensors"))")
        #expect(ema.stdout.contains("Mask:        linear head + decoder (3 channels, 5-bin kernel), running means of the input with decays 0.6, 0.9"),
                "\(ema.stdout)")
        let emaJSON = try parse(try R.sh("$ATTEND info --model \(R.q(fixtures + "/tinyema.safetensors")) --json").stdout)
        #expect(emaJSON["maskDecoderDecays"] as? [Double] == [0.6, 0.9])
        #expect(emaJSON["maskDecoderFloorRates"] as? [Double] == [])
        let floor = try R.sh("$ATTEND info --model \(R.q(fixtures + "/tinyfloor.safetensors"))")
        #expect(floor.stdout.contains("running means of the input with decays 0.6, 0.9, noise floors rising at most 5, 300 dB/s"),
                "\(floor.stdout)")
        let floorJSON = try parse(try R.sh("$ATTEND info --model \(R.q(fixtures + "/tinyfloor.safetensors")) --json").stdout)
        #expect(floorJSON["maskDecoderFloorRates"] as? [Double] == [5, 300])
        let gru = try parse(try R.sh("$ATTEND info --model \(R.q(fixtures + "/tinygru.safetensors")) --json").stdout)
        #expect(gru["maskDecoderGRU"] as? Int == 4 && emaJSON["maskDecoderGRU"] as? Int == 0)
        #expect(gru["lowBandBins"] as? Int == 0 && !ema.stdout.contains("Low band:"))
        let low = try R.sh("$ATTEND info --model \(R.q(fixtures + "/tinylow.safetensors"))")
        #expect(low.stdout.contains("Low band:    bins 0-23 (to 750 Hz) also at full resolution through the stem and the mask decoder"),
                "\(low.stdout)")
        let lowJSON = try parse(try R.sh("$ATTEND info --model \(R.q(fixtures + "/tinylow.safetensors")) --json").stdout)
        #expect(lowJSON["lowBandBins"] as? Int == 24)
        let tiny = try R.sh("$ATTEND info --model \(R.q(fixtures + "/tiny.safetensors"))")
        #expect(tiny.stdout.contains("Mask:        linear head over the encoder's output"), "\(tiny.stdout)")

        let fromEnvironment = try parse(try R.sh("ATTEND_MODEL=attend-base $ATTEND info --model default --json").stdout)
        #expect(fromEnvironment["name"] as? String == "attend-base")
        #expect(fromEnvironment["layers"] as? Int == 4)
        let byPath = try parse(try R.sh("$ATTEND info --model \(R.q(models + "/attend-base.json")) --json").stdout)
        #expect(byPath["weights"] as? String == models + "/attend-base.safetensors")
        let text = try R.sh("$ATTEND info --model attend-base")
        #expect(text.status == 0 && text.stdout.contains("Parameters:") && text.stdout.contains("layer 4:"), "\(text.stdout)")

        let dir = CLITempDir(); defer { dir.cleanup() }
        try Data("not a model".utf8).write(to: URL(fileURLWithPath: dir.path("bad.safetensors")))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir.path("bad.json")))
        for (command, cause) in [("$ATTEND info --model no-such-model", "no model 'no-such-model' found"),
                                 ("$ATTEND info --model \(R.q(dir.path("bad.safetensors")))", "bad.safetensors"),
                                 ("$ATTEND info", "give an audio file or --model"),
                                 ("$ATTEND info x.wav --model default", "give an audio file or --model")] {
            let r = try R.sh(command)
            #expect(r.status != 0 && r.stdout.isEmpty, "\(command)")
            #expect(r.stderr.contains(cause), "\(command): \(r.stderr)")
        }
    }
}
