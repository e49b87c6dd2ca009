import Foundation
import Testing
@testable import Attend

/// The denoising pipeline with the small random model of the parity tests (its mask is not
/// meaningful; these tests check plumbing: lengths, alignment, reconstruction, streaming).
@Suite struct DenoiserTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let speech = root.appendingPathComponent("CLITests/Fixtures/features")

    static func tinyModel() throws -> AttendModel {
        let dir = root.appendingPathComponent("SpeechModelsTests/Fixtures")
        return try AttendModel(weights: dir.appendingPathComponent("tiny.safetensors"), config: dir.appendingPathComponent("tiny.json"))
    }

    static func temporary(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("attend-denoise-\(UUID())-\(name)").path
    }

    static func snr(_ reference: [Float], _ estimate: [Float]) -> Double {
        var s = 0.0, e = 0.0
        for (r, x) in zip(reference, estimate) { s += Double(r) * Double(r); e += Double(r - x) * Double(r - x) }
        return 10 * log10(s / max(e, 1e-30))
    }

    @Test(arguments: ["speech_8000", "speech_16000", "speech_44100_stereo", "speech_48000"])
    func outputKeepsRateChannelsAndLength(name: String) throws {
        let input = Self.speech.appendingPathComponent("\(name).wav").path
        let output = Self.temporary("\(name).wav")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let report = try Denoiser(model: try Self.tinyModel()).run(input: input, output: output)
        let inInfo = try AudioFileReader.probe(path: input), outInfo = try AudioFileReader.probe(path: output)
        #expect(outInfo.sampleRate == inInfo.sampleRate)
        #expect(outInfo.channels == inInfo.channels)
        #expect(outInfo.frames == inInfo.frames)
        #expect(report.framesWritten == inInfo.frames)
    }

    /// With strength 0 the mask has no effect: STFT → iSTFT must give the input back, aligned.
    @Test func strengthZeroReconstructsTheInput() throws {
        let input = Self.speech.appendingPathComponent("speech_16000.wav").path
        let output = Self.temporary("s0.wav")
        defer { try? FileManager.default.removeItem(atPath: output) }
        var options = DenoiseOptions()
        options.strength = 0
        options.format = .wavFloat
        try Denoiser(model: try Self.tinyModel()).run(input: input, output: output, options: options)
        let a = try readMono16k(path: input), b = try readMono16k(path: output)
        #expect(a.count == b.count)
        #expect(Self.snr(a, b) > 90)
    }

    /// Both resyntheses give the input back when the mask has no effect.
    @Test(arguments: DenoiseSynthesis.allCases)
    func eitherSynthesisReconstructsTheInput(synthesis: DenoiseSynthesis) throws {
        let model = try Self.tinyModel()
        let input = try readMono16k(path: Self.speech.appendingPathComponent("speech_16000.wav").path)
        let stream = try DenoiseStream(model: model, context: model.config.offlineContext, strength: 0, synthesis: synthesis)
        var out: [Float] = []
        try input.withUnsafeBufferPointer { try stream.push($0) { out += $0 } }
        try stream.finish { out += $0 }
        #expect(out.count == input.count)
        #expect(Self.snr(input, out) > 90)
    }

    /// Files take the overlap-add resynthesis unless asked otherwise: the default output is the
    /// `.overlapAdd` one, differs from the `.lowLatency` one, and equals the masked frames
    /// overlap-added with the analysis window and divided by the window's overlapped square
    /// (computed here from the written mask, independently of the stream's bookkeeping).
    @Test func filesDefaultToOverlapAddWithTheAnalysisWindow() throws {
        let model = try Self.tinyModel()
        let input = Self.speech.appendingPathComponent("speech_16000.wav").path
        var outputs: [String: [Float]] = [:]
        let mask = Self.temporary("ola.npy")
        defer { try? FileManager.default.removeItem(atPath: mask) }
        for (name, synthesis) in [("default", nil), ("ola", DenoiseSynthesis.overlapAdd), ("low", .lowLatency)] as [(String, DenoiseSynthesis?)] {
            let output = Self.temporary("\(name).wav")
            defer { try? FileManager.default.removeItem(atPath: output) }
            var options = DenoiseOptions()
            options.format = .wavFloat
            options.synthesis = synthesis
            if name == "default" { options.maskPath = mask }
            try Denoiser(model: model).run(input: input, output: output, options: options)
            outputs[name] = try readMono16k(path: output)
        }
        #expect(outputs["default"]! == outputs["ola"]!)
        let low = Self.snr(outputs["ola"]!, outputs["low"]!)
        #expect(low > 10 && low < 80, "the two resyntheses should differ a little, SNR \(low) dB")

        // Reference: centred STFT with the analysis window, mask, inverse FFT, analysis window, OLA.
        let x = try readMono16k(path: input)
        let config = try model.config.stftConfiguration()
        let n = config.nFFT, hop = config.hop, pad = n / 2, bins = n / 2 + 1
        let w = config.analysisWindow.map(Double.init)
        let m = try NPY.read(mask)
        let frames = m.shape[0]
        var y = [Double](repeating: 0, count: x.count + 2 * pad + n), norm = y
        for t in 0..<frames {
            var frame = [Double](repeating: 0, count: n)
            for i in 0..<n { let j = t * hop + i - pad; if j >= 0 && j < x.count { frame[i] = Double(x[j]) * w[i] } }
            // DFT, mask, inverse DFT (direct sums: small and independent of FFTW)
            var re = [Double](repeating: 0, count: bins), im = re
            for k in 0..<bins {
                for i in 0..<n where frame[i] != 0 {
                    let a = -2 * Double.pi * Double(k * i % n) / Double(n)
                    re[k] += frame[i] * cos(a); im[k] += frame[i] * sin(a)
                }
                let g = Double(m.elements[t * bins + k])
                re[k] *= g; im[k] *= g
            }
            for i in 0..<n {
                var v = re[0] + re[bins - 1] * (i % 2 == 0 ? 1 : -1)
                for k in 1..<(bins - 1) {
                    let a = 2 * Double.pi * Double(k * i % n) / Double(n)
                    v += 2 * (re[k] * cos(a) - im[k] * sin(a))
                }
                y[t * hop + i] += v / Double(n) * w[i]
                norm[t * hop + i] += w[i] * w[i]
            }
        }
        var reference = [Float](repeating: 0, count: x.count)
        for j in 0..<x.count where norm[j + pad] > 1e-8 { reference[j] = Float(y[j + pad] / norm[j + pad]) }
        let range = 2 * n..<(x.count - 2 * n)  // away from the edges, where the streams' tails differ in detail
        #expect(Self.snr(Array(reference[range]), Array(outputs["default"]![range])) > 60)
    }

    @Test func smallReadsGiveTheSameOutputAsLargeOnes() throws {
        let input = Self.speech.appendingPathComponent("speech_44100.wav").path
        let model = try Self.tinyModel()
        var outputs: [[Float]] = []
        for chunk in [441, 100_000] {
            let output = Self.temporary("c\(chunk).wav")
            defer { try? FileManager.default.removeItem(atPath: output) }
            var options = DenoiseOptions()
            options.chunkFrames = chunk
            options.format = .wavFloat
            try Denoiser(model: model).run(input: input, output: output, options: options)
            outputs.append(try AudioFileReader(path: output).readAll())
        }
        #expect(outputs[0].count == outputs[1].count)
        #expect(Self.snr(outputs[1], outputs[0]) > 100)
    }

    @Test func maskIsWrittenFrameByFrame() throws {
        let input = Self.speech.appendingPathComponent("speech_16000.wav").path
        let output = Self.temporary("m.wav"), mask = Self.temporary("m.npy")
        defer { try? FileManager.default.removeItem(atPath: output); try? FileManager.default.removeItem(atPath: mask) }
        var options = DenoiseOptions()
        options.maskPath = mask
        try Denoiser(model: try Self.tinyModel()).run(input: input, output: output, options: options)
        let m = try NPY.read(mask)
        #expect(m.shape == [16000 / 160 + 1, 257])
        #expect(m.elements.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    /// With a mask decoder the mask reads each frame's features: a stream fed in odd pieces must
    /// pair every hidden frame with its own features, giving the masks of one offline pass,
    /// whether it encodes each chunk at once or gathers frames first (`encodeBlock`; blocks over
    /// `DenoiseStream.maskBlock` frames are masked in pieces).
    @Test(arguments: [0, 30, 100, DenoiseStream.offlineEncodeBlock])
    func maskDecoderStreamPairsEachFrameWithItsFeatures(encodeBlock: Int) throws {
        let dir = Self.root.appendingPathComponent("SpeechModelsTests/Fixtures")
        let model = try AttendModel(weights: dir.appendingPathComponent("tinydec.safetensors"), config: dir.appendingPathComponent("tinydec.json"))
        let context = ChunkedContext(chunkSize: 4, leftContext: 16)
        let input = try readMono16k(path: Self.speech.appendingPathComponent("speech_16000.wav").path)
        let features = try FrontEnd(config: model.config).features(of: input)
        let bins = model.config.nBins, frames = features.count / bins
        let featureTensor = Tensor(shape: [frames, bins], data: features)
        let expected = model.mask(EncoderSession(model: model, context: context).encodeToEnd(featureTensor), features: featureTensor)
        let stream = try DenoiseStream(model: model, context: context, encodeBlock: encodeBlock)
        var masks: [Float] = []
        var blocks: [Int] = []
        stream.maskHandler = { masks.append(contentsOf: $0) }
        stream.hiddenHandler = { blocks.append($0.shape[0]) }
        var start = 0, piece = 37
        while start < input.count {
            let n = min(piece, input.count - start)
            try input[start..<(start + n)].withUnsafeBufferPointer { try stream.push($0) { _ in } }
            start += n
            piece = piece * 7 % 1013 + 1
        }
        try stream.finish { _ in }
        #expect(masks.count == expected.count)
        #expect(Tensor(shape: expected.shape, data: masks).maxAbsDifference(expected) < 1e-5)
        // Every block but the last (the end of the input) has encodeBlock frames or more, less
        // the part of a chunk the encoder keeps for the next block.
        #expect(blocks.reduce(0, +) == frames)
        #expect(blocks.dropLast().allSatisfy { $0 > encodeBlock - context.chunkSize }, "\(blocks)")
        if encodeBlock >= frames { #expect(blocks == [frames]) }
        if encodeBlock == 0 { #expect(blocks.count > frames / 2 / context.chunkSize) }
    }

    /// Output sample n is out once input up to n + latency is in (20 ms window + chunk look-ahead).
    @Test func streamEmitsWithinItsLatency() throws {
        let model = try Self.tinyModel()
        let stream = try DenoiseStream(model: model, context: model.config.defaultContext ?? ChunkedContext(chunkSize: 2, leftContext: 16))
        #expect(stream.latency <= 640)  // 40 ms at 16 kHz
        let input = try readMono16k(path: Self.speech.appendingPathComponent("speech_16000.wav").path)
        var pushed = 0, emitted = 0
        var start = 0
        while start < input.count {
            let n = min(160, input.count - start)
            try input[start..<(start + n)].withUnsafeBufferPointer { try stream.push($0) { emitted += $0.count } }
            pushed += n
            start += n
            #expect(emitted >= pushed - stream.latency - 160, "after \(pushed) samples only \(emitted) out")
        }
        try stream.finish { emitted += $0.count }
        #expect(emitted == input.count)
    }

    @Test func nanSamplesAreRejectedAndNothingIsWritten() throws {
        let input = Self.temporary("nan.wav"), output = Self.temporary("out.wav")
        defer { try? FileManager.default.removeItem(atPath: input) }
        let w = try AudioFileWriter(path: input, sampleRate: 16000, channels: 1, format: .wavFloat)
        var samples = [Float](repeating: 0.1, count: 4000)
        samples[2500] = .nan
        try w.write(samples)
        try w.finish()
        #expect(throws: AudioError.self) { try Denoiser(model: try Self.tinyModel()).run(input: input, output: output) }
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
