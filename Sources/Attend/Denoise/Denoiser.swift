import AudioIO
import Foundation
import NeuralEngine
import SpeechModels

/// Options of a denoising run.
public struct DenoiseOptions: Sendable {
    /// 0 … 1: gain = strength · mask + (1 − strength).
    public var strength: Float = 1
    /// Attention context; nil = the model's streaming one (`chunk_size`, `left_context`) for stdin,
    /// its offline one (`ModelConfig.offlineContext`: larger chunks, same weights) for files.
    public var context: ChunkedContext?
    /// Output encoding; nil = from the output path (`.flac` → FLAC 24-bit, else WAV 16-bit).
    public var format: AudioOutputFormat?
    /// Input frames read per step (at the input's rate). Small values lower streaming latency.
    public var chunkFrames = 4096
    /// Where to write the mask of the first channel as a float32 `.npy` (frames × bins).
    public var maskPath: String?
    /// Resynthesis; nil = low latency for stdin, overlap-add with the analysis window for files.
    public var synthesis: DenoiseSynthesis?
    /// Frames gathered before the encoder runs (`DenoiseStream.encodeBlock`); nil = none for
    /// stdin (each chunk as soon as it is complete), `DenoiseStream.offlineEncodeBlock` for files.
    public var encodeBlock: Int?

    public init() {}
}

/// What a denoising run did.
public struct DenoiseReport: Sendable {
    public var input: AudioInfo
    public var framesWritten: Int
    /// Seconds of audio processed.
    public var duration: Double { Double(framesWritten) / Double(input.sampleRate) }
}

/// Denoises audio files and streams at their own rate and channel count: each channel is
/// resampled to 16 kHz (libsoxr), denoised by a `DenoiseStream`, resampled back, and written
/// with libsndfile. Everything is chunked, so memory stays flat for inputs of any length, and
/// the output has exactly as many frames as the input, time-aligned with it.
///
/// Content above 8 kHz (for inputs sampled above 16 kHz) does not pass the model: the output
/// is band-limited to 8 kHz.
public struct Denoiser: Sendable {
    public let model: AttendModel

    public init(model: AttendModel) { self.model = model }

    /// Denoises `input` (a path, or "-" for stdin) into `output` (a path, or "-" for stdout WAV).
    /// On any error nothing is left at `output` (files are written under a temporary name).
    @discardableResult
    public func run(input: String, raw: RawPCMFormat? = nil, output: String, options: DenoiseOptions = DenoiseOptions()) throws -> DenoiseReport {
        let reader = try AudioFileReader(path: input, raw: raw, rejectNonFinite: true)
        let info = reader.info
        let channels = info.channels, rate = info.sampleRate
        let format = options.format ?? AudioOutputFormat.guess(path: output)
        var laneOptions = options
        if laneOptions.context == nil { laneOptions.context = input == "-" ? model.config.defaultContext : model.config.offlineContext }
        if laneOptions.synthesis == nil { laneOptions.synthesis = input == "-" ? .lowLatency : .overlapAdd }
        if laneOptions.encodeBlock == nil { laneOptions.encodeBlock = input == "-" ? 0 : DenoiseStream.offlineEncodeBlock }
        let lanes = try (0..<channels).map { _ in try Lane(model: model, rate: rate, options: laneOptions, name: reader.name) }
        let maskWriter = try options.maskPath.map { try NPYStreamWriter(path: $0, columns: model.config.nBins) }
        if let maskWriter { lanes[0].stream.maskHandler = { try maskWriter.append($0) } }
        let writer = try AudioFileWriter(path: output, sampleRate: rate, channels: channels, format: format)
        var interleaved: [Float] = [], out: [Float] = []
        var framesIn = 0, framesOut = 0
        do {
            while true {
                let got = try reader.read(into: &interleaved, maxFrames: options.chunkFrames)
                if got == 0 { break }
                framesIn += got
                for (c, lane) in lanes.enumerated() { try lane.push(interleaved, channel: c, of: channels, frames: got) }
                framesOut += try drain(lanes, into: &out, writer: writer, limit: nil)
            }
            for lane in lanes { try lane.finish() }
            framesOut += try drain(lanes, into: &out, writer: writer, limit: framesIn - framesOut)
            if framesOut < framesIn {  // resampler rounding: pad the last few frames with silence
                try writer.write([Float](repeating: 0, count: (framesIn - framesOut) * channels))
                framesOut = framesIn
            }
            try maskWriter?.finish()
            try writer.finish()
        } catch {
            writer.cancel()
            maskWriter?.cancel()
            throw error
        }
        var final = info
        final.frames = framesIn
        return DenoiseReport(input: final, framesWritten: framesOut)
    }

    /// Writes the frames every channel has ready (at most `limit`), interleaved.
    private func drain(_ lanes: [Lane], into out: inout [Float], writer: AudioFileWriter, limit: Int?) throws -> Int {
        var n = lanes.map { $0.ready.count }.min() ?? 0
        if let limit { n = min(n, limit) }
        guard n > 0 else { return 0 }
        let channels = lanes.count
        out.removeAll(keepingCapacity: true)
        out.reserveCapacity(n * channels)
        for i in 0..<n { for lane in lanes { out.append(lane.ready[i]) } }
        for lane in lanes { lane.ready.removeFirst(n) }
        try writer.write(out)
        return n
    }

    /// One channel: input rate → 16 kHz → DenoiseStream → input rate.
    final class Lane {
        let stream: DenoiseStream
        private let down: Resampler?
        private let up: Resampler?
        private var mono: [Float] = []
        var ready: [Float] = []

        init(model: AttendModel, rate: Int, options: DenoiseOptions, name: String) throws {
            stream = try DenoiseStream(model: model, context: options.context, strength: options.strength,
                                       synthesis: options.synthesis ?? .lowLatency,
                                       encodeBlock: options.encodeBlock ?? 0)
            let modelRate = Double(model.config.sampleRate)
            down = rate == model.config.sampleRate ? nil : try Resampler(inputRate: Double(rate), outputRate: modelRate, channels: 1, name: name)
            up = rate == model.config.sampleRate ? nil : try Resampler(inputRate: modelRate, outputRate: Double(rate), channels: 1, name: name)
        }

        func push(_ interleaved: [Float], channel c: Int, of channels: Int, frames: Int) throws {
            mono.removeAll(keepingCapacity: true)
            for i in 0..<frames { mono.append(interleaved[i * channels + c]) }
            let at16k = try down?.process(mono) ?? mono
            try at16k.withUnsafeBufferPointer { try stream.push($0, emit: collect) }
        }

        func finish() throws {
            if let down {
                let tail = try down.flush()
                try tail.withUnsafeBufferPointer { try stream.push($0, emit: collect) }
            }
            try stream.finish(emit: collect)
            if let up { ready += try up.flush() }
        }

        private func collect(_ samples: UnsafeBufferPointer<Float>) throws {
            if let up { ready += try up.process(Array(samples)) } else { ready += samples }
        }
    }
}
