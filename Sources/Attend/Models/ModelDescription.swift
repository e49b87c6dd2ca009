import Foundation
import NeuralEngine
import SpeechModels

/// What a model spec resolves to, for `attend info --model`: the files, their size, the parameter
/// count and the architecture. Scripts ask this instead of re-implementing `ModelLocator.resolve`.
public struct ModelDescription: Sendable {
    public let name: String
    public let weights: URL
    public let config: URL
    /// Bytes of the weights and config files together.
    public let bytes: Int
    public let parameters: Int
    public let model: AttendModel

    /// Resolves `spec` as the commands do (`nil`: `$ATTEND_MODEL`, else the default) and loads the
    /// model, so a broken model file fails here with the commands' one-line error.
    public init(spec: String?) throws {
        let (weights, config) = try ModelLocator.resolve(spec)
        let checkpoint = try Checkpoint(weights: weights, config: config)
        model = try AttendModel(checkpoint: checkpoint)
        self.weights = weights.standardizedFileURL
        self.config = config.standardizedFileURL
        name = weights.deletingPathExtension().lastPathComponent
        var count = 0
        for tensor in checkpoint.weights.names {
            count += try checkpoint.weights.shape(tensor).reduce(1, *)
        }
        parameters = count
        bytes = [weights, config].reduce(0) { sum, url in
            sum + ((try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0)
        }
    }

    public var json: String {
        let c = model.config
        let alphas = model.alphas.map { "[" + $0.map { String(format: "%.4f", Double($0)) }.joined(separator: ",") + "]" }
        return "{\"name\":\(JSONText.string(name)),\"weights\":\(JSONText.string(weights.path)),"
            + "\"config\":\(JSONText.string(config.path)),\"bytes\":\(bytes),\"parameters\":\(parameters),"
            + "\"layers\":\(c.nLayers),\"dModel\":\(c.dModel),\"heads\":\(c.nHeads),\"phones\":\(c.nPhones),"
            + "\"sampleRate\":\(c.sampleRate),\"chunkFrames\":\(c.chunkSize),\"leftFrames\":\(c.leftContext),"
            + "\"maskDecoderChannels\":\(c.maskDecoderChannels),\"maskDecoderKernel\":\(c.maskDecoderKernel),"
            + "\"maskDecoderGRU\":\(c.maskDecoderGRU),\"lowBandBins\":\(c.lowBandBins),"
            + "\"maskDecoderDecays\":[\(decays.joined(separator: ","))],"
            + "\"maskDecoderFloorRates\":[\(floorRates.joined(separator: ","))],"
            + "\"alphas\":[\(alphas.joined(separator: ","))]}"
    }

    /// The running-mean decays of the mask decoder, shortest form ("0.9", not "0.899999976").
    private var decays: [String] { model.config.maskDecoderEma.map { String(format: "%g", Double($0)) } }
    /// The rise rates (dB/s) of the mask decoder's noise-floor trackers, shortest form.
    private var floorRates: [String] { model.config.maskDecoderFloor.map { String(format: "%g", Double($0)) } }

    /// How the mask is made: the linear head alone, or with the decoder (and what it reads).
    var maskSummary: String {
        let c = model.config
        guard c.maskDecoderChannels > 0 else { return "linear head over the encoder's output" }
        var s = "linear head + decoder (\(c.maskDecoderChannels) channels, \(c.maskDecoderKernel)-bin kernel)"
        if !c.maskDecoderEma.isEmpty {
            s += ", running means of the input with decays " + decays.joined(separator: ", ")
        }
        if !c.maskDecoderFloor.isEmpty {
            s += ", noise floors rising at most " + floorRates.joined(separator: ", ") + " dB/s"
        }
        if c.maskDecoderGRU > 0 { s += ", a \(c.maskDecoderGRU)-unit GRU per bin over frames" }
        return s
    }

    /// The upper edge of the full-resolution low band in Hz.
    private var lowBandHertz: Int {
        let c = model.config
        return Int((Double(c.lowBandBins) * Double(c.sampleRate) / Double(c.nFFT)).rounded())
    }

    public var text: String {
        let c = model.config
        let alphas = model.alphas.enumerated().map { layer, row in
            "  layer \(layer + 1): " + row.map { String(format: "%.2f", Double($0)) }.joined(separator: " ")
        }
        return ([
            "Model:       \(name)",
            "Weights:     \(weights.path)",
            "Config:      \(config.path)",
            "Size:        \(String(format: "%.2f", Double(bytes) / 1e6)) MB",
            "Parameters:  \(parameters) (\(String(format: "%.2f", Double(parameters) / 1e6)) M)",
            "Encoder:     \(c.nLayers) layers, width \(c.dModel), \(c.nHeads) heads, \(c.nPhones) phones",
            "Mask:        \(maskSummary)",
        ] + (c.lowBandBins > 0 ? [
            "Low band:    bins 0-\(c.lowBandBins - 1) (to \(lowBandHertz) Hz) also at full resolution through the stem"
                + (c.maskDecoderChannels > 0 ? " and the mask decoder" : ""),
        ] : []) + [
            "Streaming:   chunk \(c.chunkSize) frames, left context \(c.leftContext) frames (10 ms frames)",
            "Entmax α per head:",
        ] + alphas).joined(separator: "\n")
    }
}
