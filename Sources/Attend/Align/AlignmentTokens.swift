import Alignment
import SpeechModels

/// The token sequence the aligner decodes for a transcript: an optional silence, then each
/// word's phones (model phone classes), with an optional silence between words and at the end.
struct AlignmentTokens {
    /// Model phone class of each token.
    var phones: [Int] = []
    /// Word index of each token (nil for the silences).
    var word: [Int?] = []
    var skippable: [Bool] = []
    /// Display name of each token's phone.
    var names: [String] = []

    var count: Int { phones.count }

    /// Tokens for `transcript` under `config`'s phone set; `wordLevel` uses one token per word
    /// (silence class) instead of its phones, for audio too short to hold every phone.
    init(transcript: Transcript, config: ModelConfig, wordLevel: Bool = false) {
        let names = config.phones.isEmpty ? (0..<config.nPhones).map { "p\($0)" } : config.phones
        let silence = names.firstIndex(of: "SIL") ?? 1
        func add(_ phone: Int, word: Int?, skippable: Bool) {
            phones.append(phone)
            self.word.append(word)
            self.skippable.append(skippable)
            self.names.append(names[phone])
        }
        add(silence, word: nil, skippable: true)
        for (w, entry) in transcript.words.enumerated() {
            let ids = wordLevel ? [] : Self.phoneIDs(entry.phones, config: config, names: names)
            if ids.isEmpty {
                add(silence, word: w, skippable: false)  // unpronounceable (or word level): one token
            } else {
                for id in ids { add(id, word: w, skippable: false) }
            }
            add(silence, word: nil, skippable: true)
        }
    }

    /// The search's constraints: skippable silences may take 0 frames; every other token at
    /// least `minPhoneFrames` frames, or 1 when `frames` is known and that many would not fit.
    func constraints(minPhoneFrames: Int, frames: Int?) -> TokenConstraints {
        let d = max(1, minPhoneFrames)
        let required = skippable.filter { !$0 }.count * d
        let fits = frames.map { required <= $0 } ?? true
        return TokenConstraints(tokenCount: count, minFrames: skippable.map { $0 || !fits ? 1 : d }, skippable: skippable)
    }

    /// espeak-ng phonemes → model phone classes through the config's map ("" merges into the
    /// previous phone; unknown phonemes are dropped).
    static func phoneIDs(_ espeak: [String], config: ModelConfig, names: [String]) -> [Int] {
        var ids: [Int] = []
        for p in espeak {
            var mapped = config.espeakMap[p]
            if mapped == nil {
                let stripped = String(p.reversed().drop { "#/-2".contains($0) }.reversed())
                mapped = config.espeakMap[stripped]
            }
            guard let name = mapped, !name.isEmpty, name != "SIL", let id = names.firstIndex(of: name) else { continue }
            ids.append(id)
        }
        return ids
    }
}
