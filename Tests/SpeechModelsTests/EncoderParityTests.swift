import Foundation
import Testing
@testable import NeuralEngine
@testable import SpeechModels

/// The Swift encoder against the PyTorch reference (Training/attend/model.py): golden files from
/// `Training/golden/make_model_golden.py`, a small random model with α from 1.05 to 2.
/// Tolerance: |swift − torch| ≤ 1e-4 · max(1, |torch|) element-wise, for hidden states, heads and
/// every attention weight.
@Suite struct EncoderParityTests {
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!

    static func load(_ name: String) throws -> Tensor {
        try NPY.read(fixtures.appendingPathComponent(name + ".npy").path)
    }

    static func model() throws -> AttendModel {
        try AttendModel(weights: fixtures.appendingPathComponent("tiny.safetensors"),
                        config: fixtures.appendingPathComponent("tiny.json"))
    }

    static func expectClose(_ a: Tensor, _ b: Tensor, _ what: String, rtol: Float = 1e-4) {
        #expect(a.count == b.count, "\(what): \(a.shape) vs \(b.shape)")
        guard a.count == b.count else { return }
        var worst: Float = 0
        for i in 0..<a.count {
            let err = abs(a.data[i] - b.data[i]) / max(1, abs(b.data[i]))
            worst = max(worst, err.isNaN ? .infinity : err)
        }
        #expect(worst <= rtol, "\(what): worst relative error \(worst)")
    }

    @Test(arguments: [("full", nil), ("chunk4", ChunkedContext(chunkSize: 4, leftContext: 8))] as [(String, ChunkedContext?)])
    func offlineMatchesPyTorch(name: String, context: ChunkedContext?) throws {
        let model = try Self.model()
        let feats = try Self.load("feats")
        let session = EncoderSession(model: model, context: context)
        session.captureAttention = true
        let hidden = session.encode(feats)
        Self.expectClose(hidden, try Self.load("\(name)_hidden"), "\(name) hidden")
        Self.expectClose(model.mask(hidden, features: feats), try Self.load("\(name)_mask"), "\(name) mask")
        Self.expectClose(model.phoneLogits(hidden), try Self.load("\(name)_phone_logits"), "\(name) phone logits")
        let phones = try Self.load("phones").data.map { Int($0) }
        Self.expectClose(model.alignScores(hidden: hidden, phones: phones), try Self.load("\(name)_align_scores"), "\(name) align scores")
        for l in 0..<model.config.nLayers {
            Self.expectClose(session.attention[l], try Self.load("\(name)_attn_L\(l)"), "\(name) attention L\(l)", rtol: 1e-5 * 10)
        }
    }

    /// A model with a mask decoder (`tinydec`: 3 channels, kernel 5, its last convolution not
    /// zero) against PyTorch, offline and chunked; and the decoder matters (the mask differs from
    /// the linear head's alone by more than the tolerance).
    @Test(arguments: [("full", nil), ("chunk4", ChunkedContext(chunkSize: 4, leftContext: 8))] as [(String, ChunkedContext?)])
    func maskDecoderMatchesPyTorch(name: String, context: ChunkedContext?) throws {
        let model = try AttendModel(weights: Self.fixtures.appendingPathComponent("tinydec.safetensors"),
                                    config: Self.fixtures.appendingPathComponent("tinydec.json"))
        #expect(model.maskReadsFeatures && model.config.maskDecoderChannels == 3)
        let feats = try Self.load("feats")
        let hidden = EncoderSession(model: model, context: context).encodeToEnd(feats)
        Self.expectClose(hidden, try Self.load("dec_\(name)_hidden"), "\(name) hidden")
        let mask = model.mask(hidden, features: feats)
        Self.expectClose(mask, try Self.load("dec_\(name)_mask"), "\(name) decoder mask")
        var linear = Tensor(zeros: [0])
        model.maskHead(hidden, into: &linear)
        Activation.sigmoid.apply(&linear)
        #expect(mask.maxAbsDifference(linear) > 0.01)
    }

    /// Decoders with state against PyTorch: `tinyema` (the `tinydec` decoder also reading running
    /// means of the features, decays 0.6 and 0.9) and `tinygru` (that one with a 4-unit GRU per bin
    /// after conv1) and `tinyfloor` (`tinyema` also reading noise-floor trackers rising at most 5 and
    /// 300 dB/s). Each part matters (the mask differs from the model without it by more than the
    /// tolerance); masks taken in pieces of a stream with one workspace equal the whole input's
    /// (to rounding: the products block by their size), while a fresh workspace per piece does not.
    @Test(arguments: [("tinyema", "ema", "tinydec"), ("tinygru", "ema_gru", "tinyema"), ("tinyfloor", "floor", "tinyema")])
    func statefulDecoderMatchesPyTorch(fixture: String, golden: String, without: String) throws {
        func load(_ name: String) throws -> AttendModel {
            try AttendModel(weights: Self.fixtures.appendingPathComponent(name + ".safetensors"),
                            config: Self.fixtures.appendingPathComponent(name + ".json"))
        }
        let model = try load(fixture), plain = try load(without)
        #expect(model.config.maskDecoderEma == [0.6, 0.9])
        #expect(model.config.maskDecoderGRU == (fixture == "tinygru" ? 4 : 0))
        #expect(model.config.maskDecoderFloor == (fixture == "tinyfloor" ? [5, 300] : []))
        let feats = try Self.load("feats")
        for (name, context) in [("full", nil), ("chunk4", ChunkedContext(chunkSize: 4, leftContext: 8))] as [(String, ChunkedContext?)] {
            let hidden = EncoderSession(model: model, context: context).encodeToEnd(feats)
            Self.expectClose(model.mask(hidden, features: feats), try Self.load("\(golden)_\(name)_mask"), "\(fixture) \(name) mask")
        }
        let hidden = EncoderSession(model: model, context: nil).encodeToEnd(feats)
        let mask = model.mask(hidden, features: feats)
        #expect(mask.maxAbsDifference(plain.mask(hidden, features: feats)) > 0.01)

        let frames = feats.shape[0], bins = feats.shape[1], d = hidden.shape[1]
        func rows(_ x: Tensor, _ a: Int, _ b: Int, _ width: Int) -> Tensor {
            Tensor(shape: [b - a, width], data: Array(x.data[(a * width)..<(b * width)]))
        }
        let cuts = [0, 1, 6, 7, 20, frames]
        let workspace = MaskWorkspace()
        var streamed: [Float] = [], fresh: [Float] = []
        for (a, b) in zip(cuts, cuts.dropFirst()) {
            var m = Tensor(zeros: [0])
            model.mask(rows(hidden, a, b, d), features: rows(feats, a, b, bins), into: &m, workspace: workspace)
            streamed += m.elements
            fresh += model.mask(rows(hidden, a, b, d), features: rows(feats, a, b, bins)).elements
        }
        #expect(Tensor(shape: mask.shape, data: streamed).maxAbsDifference(mask) < 1e-5)
        #expect(Tensor(shape: mask.shape, data: fresh).maxAbsDifference(mask) > 0.001)
    }

    /// Weights with tensors the config does not use (here the GRU's, beside a config without one:
    /// what an older engine would see of a newer model) are refused in one line naming them,
    /// instead of running without them.
    @Test func tensorsTheConfigDoesNotUseAreRefused() throws {
        let weights = Self.fixtures.appendingPathComponent("tinygru.safetensors")
        let expected = ["mask_decoder.gru.bias_hh_l0", "mask_decoder.gru.bias_ih_l0", "mask_decoder.gru.weight_hh_l0",
                        "mask_decoder.gru.weight_ih_l0", "mask_decoder.gru_out.bias", "mask_decoder.gru_out.weight"]
        let error = CheckpointError.unusedTensors(file: weights.path, tensors: expected)
        #expect(throws: error) {
            _ = try AttendModel(weights: weights, config: Self.fixtures.appendingPathComponent("tinyema.json"))
        }
        #expect(error.description.hasSuffix(": 6 tensors this model's config does not use ('mask_decoder.gru.bias_hh_l0', "
                                            + "'mask_decoder.gru.bias_ih_l0', 'mask_decoder.gru.weight_hh_l0', …): a model for a "
                                            + "newer attend, or weights of another config"), "\(error)")
        _ = try AttendModel(weights: weights, config: Self.fixtures.appendingPathComponent("tinygru.json"))
    }

    /// Running-mean decays must lie in [0, 1) and need a mask decoder, as does a GRU; a bad one is named.
    @Test func runningMeanDecaysAreValidated() throws {
        let url = Self.fixtures.appendingPathComponent("tinyema.json")
        var config = try JSONDecoder().decode(ModelConfig.self, from: Data(contentsOf: url))
        try config.validate(file: "m.json")
        config.maskDecoderEmaValue = [0.6, 1]
        #expect(throws: CheckpointError.badConfig(file: "m.json", key: "mask_decoder_ema", reason: "decays must be in [0, 1), found [0.6, 1.0]")) {
            try config.validate(file: "m.json")
        }
        config.maskDecoderEmaValue = [0.6]
        config.maskDecoderChannelsValue = 0
        #expect(throws: CheckpointError.badConfig(file: "m.json", key: "mask_decoder_ema", reason: "needs a mask decoder (mask_decoder_channels > 0)")) {
            try config.validate(file: "m.json")
        }
        config.maskDecoderEmaValue = nil
        try config.validate(file: "m.json")
        config.maskDecoderGRUValue = 4
        #expect(throws: CheckpointError.badConfig(file: "m.json", key: "mask_decoder_gru", reason: "needs a mask decoder (mask_decoder_channels > 0)")) {
            try config.validate(file: "m.json")
        }
        config.maskDecoderChannelsValue = 3
        config.maskDecoderGRUValue = -1
        #expect(throws: CheckpointError.badConfig(file: "m.json", key: "mask_decoder_gru", reason: "must not be negative, found -1")) {
            try config.validate(file: "m.json")
        }
        config.maskDecoderGRUValue = 0
        config.maskDecoderFloorValue = [5, -1]
        #expect(throws: CheckpointError.badConfig(file: "m.json", key: "mask_decoder_floor", reason: "rise rates must be in 0...1000 dB/s, found [5.0, -1.0]")) {
            try config.validate(file: "m.json")
        }
        config.maskDecoderFloorValue = [5]
        try config.validate(file: "m.json")
        config.maskDecoderChannelsValue = 0
        #expect(throws: CheckpointError.badConfig(file: "m.json", key: "mask_decoder_floor", reason: "needs a mask decoder (mask_decoder_channels > 0)")) {
            try config.validate(file: "m.json")
        }
    }

    /// The aligner's transcript map must name the model's phone classes and keep one mandatory;
    /// a bad entry is named in the error.
    @Test func alignMapIsValidated() throws {
        let url = Self.fixtures.appendingPathComponent("tiny.json")
        var config = try JSONDecoder().decode(ModelConfig.self, from: Data(contentsOf: url))
        #expect(config.phones.count > 2)
        let vowel = config.phones[2]
        config.alignMapValue = ["O@": "\(vowel) SIL?"]
        try config.validate(file: "m.json")
        let bad: [(value: String, reason: String)] = [
            ("\(vowel) RR?", "names \"RR\", not a phone class of this model"),
            ("\(vowel)? SIL?", "needs at least one phone that is not optional"),
            (" ", "needs at least one phone that is not optional"),
            ("?", "names \"\", not a phone class of this model"),
        ]
        for (value, reason) in bad {
            config.alignMapValue = ["O@": value]
            #expect(throws: CheckpointError.badConfig(file: "m.json", key: "align_map", reason: "\"O@\": \"\(value)\" \(reason)")) {
                try config.validate(file: "m.json")
            }
        }
    }

    /// A full-resolution low band (`tinylow`: `tinyema` with `low_band_bins` 24, both its
    /// projections random) against PyTorch, offline and chunked; the path matters (hidden and mask
    /// differ from `tinyema`'s); a stream fed in uneven pieces through one session equals the
    /// chunked whole (the low band's causal convolution keeps its history across calls); a low band
    /// wider than the spectrum is refused.
    @Test func lowBandMatchesPyTorch() throws {
        func load(_ name: String) throws -> AttendModel {
            try AttendModel(weights: Self.fixtures.appendingPathComponent(name + ".safetensors"),
                            config: Self.fixtures.appendingPathComponent(name + ".json"))
        }
        let model = try load("tinylow"), plain = try load("tinyema")
        #expect(model.config.lowBandBins == 24 && plain.config.lowBandBins == 0)
        let feats = try Self.load("feats")
        for (name, context) in [("full", nil), ("chunk4", ChunkedContext(chunkSize: 4, leftContext: 8))] as [(String, ChunkedContext?)] {
            let hidden = EncoderSession(model: model, context: context).encodeToEnd(feats)
            Self.expectClose(hidden, try Self.load("low_\(name)_hidden"), "low band \(name) hidden")
            Self.expectClose(model.mask(hidden, features: feats), try Self.load("low_\(name)_mask"), "low band \(name) mask")
            let without = EncoderSession(model: plain, context: context).encodeToEnd(feats)
            #expect(hidden.maxAbsDifference(without) > 0.01)
            #expect(model.mask(hidden, features: feats).maxAbsDifference(plain.mask(hidden, features: feats)) > 0.01)
        }
        let context = ChunkedContext(chunkSize: 4, leftContext: 8)
        let whole = EncoderSession(model: model, context: context).encodeToEnd(feats)
        let session = EncoderSession(model: model, context: context)
        let bins = feats.shape[1], frames = feats.shape[0]
        var streamed = Tensor(zeros: [0, model.config.dModel])
        let cuts = [0, 1, 6, 7, 20, frames]
        for (a, b) in zip(cuts, cuts.dropFirst()) {
            streamed = streamed.appendingRows(of: session.encode(Tensor(shape: [b - a, bins], data: Array(feats.data[(a * bins)..<(b * bins)]))))
        }
        streamed = streamed.appendingRows(of: session.finish())
        #expect(streamed.shape == whole.shape)
        #expect(streamed.maxAbsDifference(whole) < 1e-5)

        var config = model.config
        config.lowBandBinsValue = 258
        #expect(throws: CheckpointError.badConfig(file: "m.json", key: "low_band_bins", reason: "must be in 0...257, found 258")) {
            try config.validate(file: "m.json")
        }
    }

    @Test func alphasMatchPyTorch() throws {
        let model = try Self.model()
        for l in 0..<model.config.nLayers {
            let expected = try Self.load("alpha_L\(l)")
            for (a, b) in zip(model.alphas[l], expected.data) { #expect(abs(a - b) < 1e-6) }
        }
        #expect(model.alphas[0].contains { $0 > 1.99 })  // the sparsemax-like head
    }

    /// Streaming in random piece sizes equals the offline pass with the same chunked context,
    /// and PyTorch's.
    @Test func streamingEqualsOffline() throws {
        let model = try Self.model()
        let feats = try Self.load("feats")
        let expected = try Self.load("chunk4_hidden")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5 {
            let session = EncoderSession(model: model, context: ChunkedContext(chunkSize: 4, leftContext: 8))
            #expect(session.isStreaming)
            var out: [Float] = []
            var t = 0
            let frames = feats.shape[0], bins = feats.shape[1]
            while t < frames {
                let n = min(Int.random(in: 1...7, using: &rng), frames - t)
                let piece = Tensor(shape: [n, bins], data: Array(feats.data[(t * bins)..<((t + n) * bins)]))
                out += session.encode(piece).elements
                t += n
            }
            out += session.finish().elements
            Self.expectClose(Tensor(shape: expected.shape, data: out), expected, "streamed hidden")
        }
    }

    /// A long input fed in one call is run in blocks of `maxBlockFrames` (bounded activations)
    /// and gives the same frames as the input fed chunk by chunk.
    @Test func longInputInOneCallEqualsChunkByChunk() throws {
        let model = try Self.model()
        let feats = try Self.load("feats")
        let bins = feats.shape[1]
        var tiled: [Float] = []
        while tiled.count / bins < EncoderSession.maxBlockFrames * 2 + 37 { tiled += feats.elements }
        let frames = tiled.count / bins
        let context = ChunkedContext(chunkSize: 4, leftContext: 8)
        let whole = EncoderSession(model: model, context: context).encodeToEnd(Tensor(shape: [frames, bins], data: tiled))
        let session = EncoderSession(model: model, context: context)
        var pieces: [Float] = []
        for t in stride(from: 0, to: frames, by: 4) {
            let n = min(4, frames - t)
            pieces += session.encode(Tensor(shape: [n, bins], data: Array(tiled[(t * bins)..<((t + n) * bins)]))).elements
        }
        pieces += session.finish().elements
        #expect(whole.shape == [frames, model.config.dModel])
        Self.expectClose(whole, Tensor(shape: whole.shape, data: pieces), "one call vs chunk by chunk")
    }

    @Test func wrongShapeInCheckpointNamesTheTensor() throws {
        let weights = try SafeTensorsFile(contentsOf: Self.fixtures.appendingPathComponent("tiny.safetensors"))
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("tiny.json"))) as! [String: Any]
        config["conv_kernel"] = 7
        let data = try JSONSerialization.data(withJSONObject: config)
        let checkpoint = try Checkpoint(weights: weights, configData: data, configFile: "tiny.json")
        #expect(throws: CheckpointError.wrongShape(file: weights.file, tensor: "blocks.0.conv.dw.weight", expected: [32, 1, 7], found: [32, 1, 5])) {
            try AttendModel(checkpoint: checkpoint)
        }
    }
}

@Suite struct FrontEndParityTests {
    @Test func lowLatencyWindowsMatchTraining() throws {
        let config = try EncoderParityTests.model().config
        #expect(config.window == "lowlatency")
        let stft = try config.stftConfiguration()
        let analysis = try EncoderParityTests.load("window_analysis"), synthesis = try EncoderParityTests.load("window_synthesis")
        for i in 0..<512 {
            #expect(abs(stft.analysisWindow[i] - analysis.data[i]) < 1e-7)
            #expect(abs(stft.synthesisWindow[i] - synthesis.data[i]) < 1e-7)
        }
        #expect(stft.latency == 319)
    }

    @Test func compressedMagnitudesMatchTorch() throws {
        let config = try EncoderParityTests.model().config
        let audio = try EncoderParityTests.load("audio")
        let expected = try EncoderParityTests.load("audio_features")
        let ours = try FrontEnd(config: config).features(of: Array(audio.elements))
        EncoderParityTests.expectClose(Tensor(shape: expected.shape, data: ours), expected, "features", rtol: 1e-4)
    }
}
