import Alignment
import AudioIO
import Foundation
import NeuralEngine
import SpeechModels

/// A keyword found in audio, in seconds.
public struct KeywordDetection: Sendable, Equatable {
    public var keyword: String
    public var start: Double
    public var end: Double
    /// How close the keyword comes to the best free phone sequence over its frames, in (0, 1]
    /// (`KeywordHit.score`).
    public var score: Double
}

/// Finds keywords in untranscribed speech with the phone head's posteriorgram and `KeywordSearch`.
public struct KeywordSpotter: Sendable {
    public let aligner: Aligner

    public init(model: AttendModel, phonemizer: Phonemizer) {
        aligner = Aligner(model: model, phonemizer: phonemizer)
    }

    /// Keywords are phrases ("word one"); their phones are the concatenated phones of their words.
    /// Default `threshold`, chosen on the validation voices (`Training/spot_val.py`): it maximised
    /// recall minus false alarms summed over clean, 5 dB and 0 dB (stage-G model, 2026-12-05: 178.1
    /// points at 0.3, 186.8 at 0.35, 185.3 at 0.4, 169.4 at 0.45; at 0.35 clean 89.6 % found / 7.5 %
    /// false, 5 dB 70.4 / 13.3, 0 dB 62.6 / 15.0; AUC 0.943 / 0.828 / 0.736). With attend-deep
    /// (six layers, 2026-12-05): 190.4 at 0.25, 201.7 at 0.3, 201.2 at 0.35, 193.1 at 0.4;
    /// 0.3 and 0.35 are within one trial of each other and 0.35 keeps false alarms lower (0 dB:
    /// 12.5 % against 18.3 %), so it stays; at 0.35 clean 92.2 % found / 6.7 % false, 5 dB 73.0 /
    /// 8.3, 0 dB 63.5 / 12.5; AUC 0.959 / 0.857 / 0.754. attend-deep trained on (stage H3, the
    /// default model since 2026-12-05): 206.3 at 0.3, 205.9 at 0.35, 187.5 at 0.4; at 0.35 clean
    /// 90.4 / 5.0, 5 dB 67.0 / 3.3, 0 dB 63.5 / 6.7; AUC 0.967 / 0.869 / 0.784.
    /// FV3 (the default model since 2026-12-07) with `denoise` auto, which now blends the two
    /// readings of noisy audio (`DenoiseMode.blend`), 2026-12-07: 200.4 at 0.25, 204.8 at 0.3,
    /// 203.5 at 0.35, 198.8 at 0.4; at 0.35 clean 87.8 / 2.5, 5 dB 72.2 / 8.3, 0 dB 63.5 / 9.2;
    /// AUC 0.961 / 0.886 / 0.814 (off: 0.961 / 0.873 / 0.794; on: 0.960 / 0.873 / 0.801).
    public static let defaultThreshold: Float = 0.35

    public func spot(samples: [Float], keywords: [String], threshold: Float = KeywordSpotter.defaultThreshold,
                     denoise: DenoiseMode = .auto) throws -> [KeywordDetection] {
        let model = aligner.model
        let transcripts = try keywords.map { try Transcript($0, phonemizer: aligner.phonemizer) }
        let names = model.config.phones.isEmpty ? (0..<model.config.nPhones).map { "p\($0)" } : model.config.phones
        let phoneIDs = transcripts.map { t in t.words.flatMap { AlignmentTokens.phoneIDs($0.phones, config: model.config, names: names) } }
        if let empty = phoneIDs.firstIndex(where: \.isEmpty) {
            throw KeywordError.unpronounceable(keywords[empty])
        }
        // The denoiser's file context (32 / 128), not the aligner's wider one: on the validation
        // voices the wider one spots no better (AUC 0.956 / 0.889 / 0.812 against 0.961 / 0.886 /
        // 0.814, 2026-12-07) and costs more.
        let context = model.config.offlineContext
        let (hidden, clean) = try aligner.readings(samples: samples, mode: denoise, context: context) {
            try aligner.denoised(samples)
        }
        let logits = aligner.phoneLogPosteriors(hidden: hidden, denoised: clean)
        let frames = hidden.shape[0], classes = model.config.nPhones
        // Log posteriors over the training prior, the prior the aligner's scores use (`TokenScoring`;
        // zeros when the model has none).
        let prior = TokenScoring(config: model.config).logPrior
        var scores = Array(logits.data[0..<(frames * classes)])
        for t in 0..<frames { for j in 0..<classes { scores[t * classes + j] -= prior[j] } }
        let hits = KeywordSearch(keywords: phoneIDs, threshold: threshold).search(logPosteriors: scores, frames: frames, classes: classes)
        let frameSeconds = Double(model.config.hop) / Double(model.config.sampleRate)
        let duration = Double(samples.count) / Double(model.config.sampleRate)
        func time(_ f: Int) -> Double { min(max((Double(f) - 0.5) * frameSeconds, 0), duration) }
        return hits.map { KeywordDetection(keyword: keywords[$0.keyword], start: time($0.start), end: time($0.end), score: Double($0.score)) }
    }
}

public enum KeywordError: Error, CustomStringConvertible, Equatable {
    case unpronounceable(String)
    case noKeywords

    public var description: String {
        switch self {
        case .unpronounceable(let k): return "keyword '\(k)' has no phones the model knows"
        case .noKeywords: return "no keywords given"
        }
    }
}
