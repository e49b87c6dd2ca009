import Foundation
import NeuralEngine
import SpeechModels
import Testing
@testable import Attend

/// How the aligners score tokens (`TokenScoring`) and what the shipped model's alignment of the
/// espeak sample is worth against its exact times (Audio/espeak_en_16k.words.json, written from
/// libespeak-ng's synthesis events by Training/sample_timings.py).
@Suite struct AlignmentScoringTests {
    static func shippedConfig() throws -> ModelConfig {
        let url = ShippedModelTests.repo.appendingPathComponent("Models/attend-base.json")
        return try JSONDecoder().decode(ModelConfig.self, from: Data(contentsOf: url))
    }

    @Test func alignWeightAndPriorAreValidated() throws {
        var config = try Self.shippedConfig()
        try config.validate(file: "m.json")
        config.alignWeight = -1
        #expect(throws: CheckpointError.badConfig(file: "m.json", key: "align_weight", reason: "must be finite and not negative, found -1.0")) {
            try config.validate(file: "m.json")
        }
        config.alignWeight = 0
        config.phoneLogPrior = [Float](repeating: -1, count: config.nPhones - 1)
        #expect(throws: CheckpointError.self) { try config.validate(file: "m.json") }
        config.phoneLogPrior = [Float](repeating: 0.5, count: config.nPhones)
        #expect(throws: CheckpointError.self) { try config.validate(file: "m.json") }
        config.phoneLogPrior = [Float](repeating: -3, count: config.nPhones)
        try config.validate(file: "m.json")
        config.phoneLogPrior = []  // what Python's ModelConfig writes by default: no prior
        try config.validate(file: "m.json")
        #expect(TokenScoring(config: config).logPrior.allSatisfy { $0 == 0 })
    }

    /// A config without the keys (models exported before them) keeps the old scores: the aligner
    /// head at weight 1 and no prior.
    @Test func absentKeysMeanAlignerHeadAndNoPrior() throws {
        var config = try Self.shippedConfig()
        config.alignWeight = nil
        config.phoneLogPrior = nil
        let data = try JSONEncoder().encode(config)
        #expect(!String(decoding: data, as: UTF8.self).contains("align_weight"))
        let scoring = TokenScoring(config: try JSONDecoder().decode(ModelConfig.self, from: data))
        #expect(scoring.alignWeight == 1 && scoring.usesAlignerHead && scoring.logPrior.allSatisfy { $0 == 0 })
    }

    @Test func scoresAreWeightedAlignerTermPlusPosteriorOverPrior() throws {
        var config = try Self.shippedConfig()
        let p = config.nPhones
        config.alignWeight = 0.5
        config.phoneLogPrior = (0..<p).map { -Float($0 % 5) - 1 }
        let scoring = TokenScoring(config: config, posteriorWeight: 2)
        let phones = [1, 7, 3]
        // Aligner scores (tokens × frames) for 2 frames; frame 1's column is [0, ln 2, 0].
        let align = Tensor(shape: [3, 2], data: [9, 0, 9, logf(2), 9, 0])
        let logPost = (0..<(2 * p)).map { -Float($0) / 10 }
        var row = [Float](repeating: .nan, count: 3)
        scoring.fill(&row, phones: phones, alignScores: align, frame: 1, frameCount: 2, logPosterior: logPost, offset: p)
        for (k, phone) in phones.enumerated() {
            let attn = (k == 1 ? logf(2) : 0) - logf(4)
            let expected = 0.5 * attn + 2 * (logPost[p + phone] - config.phoneLogPrior![phone])
            #expect(abs(row[k] - expected) < 1e-5, "token \(k): \(row[k]) vs \(expected)")
        }
        config.alignWeight = 0
        let postOnly = TokenScoring(config: config)
        #expect(!postOnly.usesAlignerHead)
        postOnly.fill(&row, phones: phones, alignScores: nil, frame: 0, frameCount: 2, logPosterior: logPost, offset: 0)
        #expect(row == phones.map { logPost[$0] - config.phoneLogPrior![$0] })
    }

    /// The aligner's map (`align_map`) puts an optional R after en-us r-coloured vowels: "four
    /// hours" is searched as F AO R? | AW ER Z, the R skippable and inside the word; keyword
    /// spotting keeps the mandatory tokens only; a config without the map keeps the espeak map's.
    @Test func alignMapAddsOptionalTokensInsideTheWord() throws {
        var config = try Self.shippedConfig()
        #expect(config.alignMap["o@"] == "AO R?")
        let phonemizer = try Phonemizer(voice: "en-us")
        let transcript = try Transcript("four hours", phonemizer: phonemizer)
        #expect(transcript.words.map(\.phones) == [["f", "o@"], ["aU", "3", "z"]])
        let tokens = AlignmentTokens(transcript: transcript, config: config)
        #expect(tokens.names == ["SIL", "F", "AO", "R", "SIL", "AW", "ER", "Z", "SIL"])
        #expect(tokens.skippable == [true, false, false, true, true, false, false, false, true])
        #expect(tokens.word == [nil, 0, 0, 0, nil, 1, 1, 1, nil])
        let names = config.phones
        #expect(AlignmentTokens.phoneIDs(["f", "o@"], config: config, names: names).map { names[$0] } == ["F", "AO"])
        let constraints = tokens.constraints(minPhoneFrames: 4, frames: 100)
        #expect(constraints.minFrames == [1, 4, 4, 4, 1, 4, 4, 4, 1])
        config.alignMapValue = nil
        #expect(AlignmentTokens(transcript: transcript, config: config).names == ["SIL", "F", "AO", "SIL", "AW", "ER", "Z", "SIL"])
        config.alignMapValue = ["o@": "AO? R"]  // only optional would leave a word without a token: the map may not do that
        #expect(AlignmentTokens(transcript: transcript, config: config).skippable[1...3] == [false, true, false])
    }

    /// A word-final stop is capped: its token of fixed length, then three skippable lengtheners of
    /// the same phone inside the word, sized by `constraints` so the stop covers the minimum up to
    /// the minimum + 3 ... 7 frames, every length in between one way only; a stop inside a word is
    /// not capped, and keyword spotting reads the word's phones as before.
    @Test func wordFinalStopsAreCapped() throws {
        let config = try Self.shippedConfig()
        let phonemizer = try Phonemizer(voice: "en-us")
        let transcript = try Transcript("walk into it", phonemizer: phonemizer)
        let plain = AlignmentTokens(transcript: transcript, config: config)
        let tokens = AlignmentTokens(transcript: transcript, config: config, capsFinalStops: true)
        #expect(plain.names == ["SIL", "W", "AO", "K", "SIL", "IH", "N", "T", "UH", "SIL", "IH", "T", "SIL"])
        #expect(tokens.names == ["SIL", "W", "AO", "K", "K", "K", "K", "SIL", "IH", "N", "T", "UH", "SIL", "IH", "T", "T", "T", "T", "SIL"])
        #expect(tokens.fixed == [false, false, false, true, true, true, true, false, false, false, false, false, false,
                                 false, true, true, true, true, false])
        #expect(tokens.skippable[3 ... 6] == [false, true, true, true])
        #expect(tokens.word[3 ... 6].allSatisfy { $0 == 0 })
        #expect(tokens.extraLength[3 ... 6].map { $0 } == [nil, 0, 1, 2])
        let constraints = tokens.constraints(minPhoneFrames: 4, frames: 200, finalStopExtraFrames: 4)
        #expect(constraints.minFrames[1 ... 7] == [4, 4, 4, 1, 2, 1, 1])
        #expect(constraints.fixedLength == tokens.fixed)
        #expect(tokens.constraints(minPhoneFrames: 5, frames: 200, finalStopExtraFrames: 6).minFrames[3 ... 6] == [5, 1, 2, 3])
        for extra in 3 ... 7 {
            let lengths = AlignmentTokens.slotLengths(extra: extra)
            #expect(lengths.count == AlignmentTokens.finalStopSlots && lengths.allSatisfy { $0 >= 1 } && lengths.reduce(0, +) == extra)
            var sums: [Int: Int] = [:]
            for mask in 0 ..< (1 << lengths.count) {
                let sum = lengths.indices.filter { mask & (1 << $0) != 0 }.map { lengths[$0] }.reduce(0, +)
                sums[sum, default: 0] += 1
            }
            #expect(Set(sums.keys) == Set(0 ... extra), "extra \(extra): lengths \(lengths)")
        }
        #expect(AlignmentTokens.slotLengths(extra: 20).reduce(0, +) == 7 && AlignmentTokens.slotLengths(extra: 1).reduce(0, +) == 3)
        let names = config.phones
        #expect(AlignmentTokens.phoneIDs(transcript.words[0].phones, config: config, names: names).map { names[$0] } == ["W", "AO", "K"])
    }

    /// Each shipped model on the espeak sample: word boundaries against libespeak-ng's own times.
    /// (With the aligner head at weight 1 and no prior, as attend-base first shipped, every word was
    /// squeezed into the first half second: 1 boundary of 30 within 100 ms.)
    @Test(arguments: ShippedModelTests.shipped) func shippedModelFindsTheEspeakSampleWords(name: String) throws {
        struct Reference: Decodable { struct Word: Decodable { var word: String; var start: Double; var end: Double }; var words: [Word] }
        let audio = ShippedModelTests.audio
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: audio.appendingPathComponent("espeak_en_16k.words.json")))
        let phonemizer = try Phonemizer(voice: "en-us")
        let text = try String(contentsOf: audio.appendingPathComponent("espeak_en_16k.txt"), encoding: .utf8)
        let aligner = Aligner(model: try ShippedModelTests.model(name), phonemizer: phonemizer)
        let transcript = try Transcript(text, phonemizer: phonemizer)
        let result = try aligner.align(file: audio.appendingPathComponent("espeak_en_16k.wav").path, transcript: transcript)
        #expect(result.words.map(\.word) == reference.words.map(\.word))
        var errors: [Double] = []
        for (h, r) in zip(result.words, reference.words) { errors += [abs(h.start - r.start), abs(h.end - r.end)] }
        let within100 = Double(errors.filter { $0 <= 0.1 }.count) / Double(errors.count)
        let median = errors.sorted()[errors.count / 2]
        #expect(within100 >= 0.6, "\(name): \(Int(within100 * 100)) % of boundaries within 100 ms")
        // Phones tile their word (a capped stop's lengtheners merged into it); a word-final stop
        // lasts at most the slow search's minimum + its extra frames (5 + 6 frames, plus rounding).
        let stops = AlignmentTokens.stopNames
        for (word, entry) in zip(result.words, transcript.words) where !word.phones.isEmpty {
            #expect(word.phones.first!.start == word.start && word.phones.last!.end == word.end)
            let config = aligner.model.config
            #expect(word.phones.count <= AlignmentTokens.phoneTokens(entry.phones, config: config, names: config.phones).count)
            #expect(zip(word.phones, word.phones.dropFirst()).allSatisfy { $0.end == $1.start })
            if let last = word.phones.last, stops.contains(last.phone) {
                #expect(last.end - last.start <= 0.115, "\(name): \(word.word) ends in \(last.phone) of \(last.end - last.start) s")
            }
        }
        #expect(median < 0.1, "\(name): median boundary error \(median) s")
    }
}
