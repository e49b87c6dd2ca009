import Alignment
import NeuralEngine
import SpeechModels

/// An alignment with the intermediate values the report draws.
struct InspectAlignment {
    /// Encoder output the alignment used `(frames, dModel)` (of the denoised audio when the
    /// aligner chose to denoise).
    var hidden: Tensor
    var tokens: AlignmentTokens
    var aligned: [AlignedToken]
    /// Aligner queries `(tokens, dAlign)`.
    var queries: Tensor
    /// Times relative to the window's start.
    var result: AlignmentResult
}

extension Aligner {
    /// `align(samples:…)`, keeping what the report draws. `denoised` is the window already
    /// denoised with the model's own context (used when the options ask for denoising).
    /// `hidden` is `samples` encoded with `context`, reused when that is the alignment's context.
    func inspectAlignment(samples: [Float], denoised: [Float], hidden encoded: Tensor, context: ChunkedContext?,
                          transcript: Transcript, audioName: String, options: AlignOptions) throws -> InspectAlignment {
        let duration = Double(samples.count) / Double(model.config.sampleRate)
        let reuse = context == (options.context ?? defaultContext) ? encoded : nil
        let (hidden, clean, tokens) = try prepare(samples: samples, transcript: transcript, options: options, encoded: reuse) { denoised }
        let decoded = try decode(hidden: hidden, denoised: clean, tokens: tokens, options: options)
        let result = result(aligned: decoded.tokens, posteriors: decoded.posteriors, tokens: tokens, transcript: transcript,
                            audioName: audioName, duration: duration)
        return InspectAlignment(hidden: hidden, tokens: tokens, aligned: decoded.tokens, queries: model.textQueries(tokens.phones),
                                result: result)
    }
}
