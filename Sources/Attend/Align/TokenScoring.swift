import Foundation
import NeuralEngine
import SpeechModels

/// How one frame's score for each transcript token is made from the model's two heads: the one
/// place the file aligner, the streaming aligner and the keyword spotter share (and
/// `Training/attend/losses.py` `token_scores` mirrors):
///
///     score[t, n] = alignWeight · log_softmax_n(aligner scores)[t, n]
///                 + posteriorWeight · (log P(phone(n) | frame t) − log prior(phone(n)))
///
/// `alignWeight` and the prior come from the model's config (`align_weight`, default 1;
/// `phone_log_prior`, default none). Dividing the phone posterior by the training prior (the
/// hybrid-HMM "scaled likelihood") stops silence, the most frequent class, from claiming every
/// frame it can and squeezing the words into a few frames each. A model whose aligner head
/// misleads the search ships `align_weight` 0, and then the aligner head is not run at all.
struct TokenScoring {
    let alignWeight: Float
    let posteriorWeight: Float
    /// Log prior per phone class (zeros when the model has none).
    let logPrior: [Float]

    /// - Parameter priorScale: exponent of the prior the posteriors are divided by (1 = the
    ///   scaled likelihood; 0 = plain posteriors).
    init(config: ModelConfig, posteriorWeight: Float = 1, priorScale: Float = 1) {
        alignWeight = config.alignWeight ?? 1
        self.posteriorWeight = posteriorWeight
        if let prior = config.phoneLogPrior, prior.count == config.nPhones {
            logPrior = prior.map { $0 * priorScale }
        } else {
            logPrior = [Float](repeating: 0, count: config.nPhones)
        }
    }

    /// Whether the aligner head's scores take part (they need not be computed otherwise).
    var usesAlignerHead: Bool { alignWeight != 0 }

    /// Log-softmax of every row of `logits` (rows × classes), in place.
    static func logSoftmaxRows(_ logits: inout Tensor) {
        let rows = logits.shape[0], p = logits.shape[1]
        logits.withMutablePointer { lp in
            for t in 0..<rows {
                let r = lp + t * p
                var m = -Float.infinity
                for j in 0..<p { m = max(m, r[j]) }
                var z: Float = 0
                for j in 0..<p { z += expf(r[j] - m) }
                let lz = m + logf(z)
                for j in 0..<p { r[j] -= lz }
            }
        }
    }

    /// Fills `row` (one entry per token) for frame `frame`.
    /// - Parameters:
    ///   - alignScores: the aligner head's raw scores, (tokens × frameCount), or nil when unused.
    ///   - logPosterior: the frame's log posteriors over the phone classes, starting at `offset`.
    func fill(_ row: inout [Float], phones: [Int], alignScores: Tensor?, frame: Int, frameCount: Int,
              logPosterior: [Float], offset: Int) {
        let n = phones.count
        if let scores = alignScores, usesAlignerHead {
            var m = -Float.infinity
            for k in 0..<n { row[k] = scores.data[k * frameCount + frame]; m = max(m, row[k]) }
            var z: Float = 0
            for k in 0..<n { z += expf(row[k] - m) }
            let lz = m + logf(z)
            for k in 0..<n { row[k] = alignWeight * (row[k] - lz) }
        } else {
            for k in 0..<n { row[k] = 0 }
        }
        for k in 0..<n { row[k] += posteriorTerm(phones[k], logPosterior: logPosterior, offset: offset) }
    }

    /// The phone head's part of a token's score: its phone's log posterior over its log prior.
    @inline(__always)
    func posteriorTerm(_ phone: Int, logPosterior: [Float], offset: Int) -> Float {
        posteriorWeight * (logPosterior[offset + phone] - logPrior[phone])
    }
}

extension TokenScoring {
    /// Feeds frame `frame`'s scores to `search`: just its `scoreWindow` when the aligner head
    /// takes no part (each token's score is then its own phone's, so the cost does not grow with
    /// the transcript), otherwise the full row (the aligner head's softmax runs over every token).
    /// `row` is scratch, resized as needed.
    func push(frame: Int, frameCount: Int, to search: inout IncrementalAligner, row: inout [Float], phones: [Int],
              alignScores: Tensor?, logPosterior: [Float], offset: Int) throws -> [AlignedToken] {
        if usesAlignerHead {
            if row.count != phones.count { row = [Float](repeating: 0, count: phones.count) }
            fill(&row, phones: phones, alignScores: alignScores, frame: frame, frameCount: frameCount,
                 logPosterior: logPosterior, offset: offset)
            return try search.push(row)
        }
        let window = search.scoreWindow
        if row.count < window.count { row = [Float](repeating: 0, count: window.count) }
        for (i, k) in window.enumerated() { row[i] = posteriorTerm(phones[k], logPosterior: logPosterior, offset: offset) }
        return try row.withUnsafeBufferPointer { try search.push(window: UnsafeBufferPointer(rebasing: $0[0 ..< window.count])) }
    }
}
