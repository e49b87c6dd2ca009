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
    /// Whether the token covers exactly its minimum frames (a capped phone, `finalStopExtraFrames`).
    var fixed: [Bool] = []
    /// For a token that lengthens the capped phone before it (skippable, of fixed length): its
    /// slot, 0 ..< `finalStopSlots` (its length is set by `constraints`).
    var extraLength: [Int?] = []

    var count: Int { phones.count }

    /// The stop consonants whose word-final token is capped.
    static let stopNames: Set<String> = ["P", "T", "K", "B", "D", "G"]
    /// Tokens that may lengthen a capped stop: enough for 3 ... 7 extra frames.
    static let finalStopSlots = 3
    /// The slots' lengths for `extra` frames beyond the minimum (clamped to 3 ... 7): each at
    /// least 1 and at most one more than the ones before it together, so the chosen slots can add
    /// up to every length from 0 to `extra`.
    static func slotLengths(extra: Int) -> [Int] {
        var left = min(max(extra, finalStopSlots), (1 << finalStopSlots) - 1)
        var lengths: [Int] = []
        for i in 0 ..< finalStopSlots {
            let l = i == finalStopSlots - 1 ? left : min(1 << i, left - (finalStopSlots - 1 - i))
            lengths.append(l)
            left -= l
        }
        return lengths
    }

    /// Tokens for `transcript` under `config`'s phone set; `wordLevel` uses one token per word
    /// (silence class) instead of its phones, for audio too short to hold every phone.
    /// `capsFinalStops`: a word's last phone, when it is a stop, gets a bound on its length
    /// (`constraints`): its token is of fixed length, followed by `finalStopSlots` skippable
    /// fixed-length tokens of the same phone that lengthen it, so a stop cannot hold the pause
    /// after its word.
    init(transcript: Transcript, config: ModelConfig, wordLevel: Bool = false, capsFinalStops: Bool = false) {
        let names = config.phones.isEmpty ? (0..<config.nPhones).map { "p\($0)" } : config.phones
        let silence = names.firstIndex(of: "SIL") ?? 1
        func add(_ phone: Int, word: Int?, skippable: Bool, fixed: Bool = false, extraLength: Int? = nil) {
            phones.append(phone)
            self.word.append(word)
            self.skippable.append(skippable)
            self.names.append(names[phone])
            self.fixed.append(fixed)
            self.extraLength.append(extraLength)
        }
        add(silence, word: nil, skippable: true)
        for (w, entry) in transcript.words.enumerated() {
            let phones = wordLevel ? [] : Self.phoneTokens(entry.phones, config: config, names: names)
            if !phones.contains(where: { !$0.optional }) {
                add(silence, word: w, skippable: false)  // unpronounceable (or word level): one token
            } else {
                let last = phones.count - 1
                for (i, phone) in phones.enumerated() {
                    let capped = capsFinalStops && i == last && !phone.optional && Self.stopNames.contains(names[phone.id])
                    add(phone.id, word: w, skippable: phone.optional, fixed: capped)
                    guard capped else { continue }
                    for slot in 0 ..< Self.finalStopSlots { add(phone.id, word: w, skippable: true, fixed: true, extraLength: slot) }
                }
            }
            add(silence, word: nil, skippable: true)
        }
    }

    /// The search's constraints: skippable silences may take 0 frames or any number; every phone
    /// (a word's optional ones too, when present) at least `minPhoneFrames` frames, or 1 when
    /// `frames` is known and the mandatory ones would not fit so.
    /// `finalStopExtraFrames`: how much longer than the minimum a capped stop may be (3 ... 7).
    func constraints(minPhoneFrames: Int, frames: Int?, finalStopExtraFrames: Int = 4) -> TokenConstraints {
        let slots = Self.slotLengths(extra: finalStopExtraFrames)
        let d = max(1, minPhoneFrames)
        let required = skippable.filter { !$0 }.count * d
        let fits = frames.map { required <= $0 } ?? true
        // A silence may be as short as a frame; a word's optional phone, when present, is a phone.
        let minFrames = skippable.indices.map { k in extraLength[k].map { slots[$0] } ?? ((skippable[k] && word[k] == nil) || !fits ? 1 : d) }
        return TokenConstraints(tokenCount: count, minFrames: minFrames, skippable: skippable, fixedLength: fixed)
    }

    /// Tokens for `transcript` as `options` search it: word-final stops capped when
    /// `finalStopExtraFrames` bounds them and the model's aligner head does not score the tokens
    /// (it reads the token sequence).
    init(transcript: Transcript, config: ModelConfig, options: AlignOptions) {
        self.init(transcript: transcript, config: config,
                  capsFinalStops: options.finalStopExtraFrames != nil && !TokenScoring(config: config).usesAlignerHead)
    }

    /// The constraints of a search with `options` (`minPhoneFrames`, `finalStopExtraFrames`;
    /// without a bound there are no lengthening tokens, and the slots' lengths are not read).
    func constraints(options: AlignOptions, frames: Int?) -> TokenConstraints {
        constraints(minPhoneFrames: options.minPhoneFrames, frames: frames,
                    finalStopExtraFrames: options.finalStopExtraFrames ?? Self.finalStopSlots)
    }

    /// Adds token `k`'s span to `word`'s phones: a lengthening token extends the capped stop
    /// before it, any other token is a phone of its own.
    func addPhone(of k: Int, start: Double, end: Double, to word: inout WordTiming) {
        if extraLength[k] != nil, !word.phones.isEmpty {
            word.phones[word.phones.count - 1].end = end
        } else {
            word.phones.append(PhoneTiming(phone: names[k], start: start, end: end))
        }
    }

    /// espeak-ng phonemes → model phone classes through the config's map ("" merges into the
    /// previous phone; unknown phonemes are dropped), the optional ones left out.
    static func phoneIDs(_ espeak: [String], config: ModelConfig, names: [String]) -> [Int] {
        phoneTokens(espeak, config: config, names: names).filter { !$0.optional }.map(\.id)
    }

    /// espeak-ng phonemes → model phone classes, each mandatory or optional, through the config's
    /// aligner map (`align_map`) where it has the phoneme, else its espeak map. A map value may
    /// name several classes separated by spaces, a trailing `?` marking one the search may skip
    /// (`"O@": "AO R?"`: the r-coloured vowel, its R heard apart or not).
    static func phoneTokens(_ espeak: [String], config: ModelConfig, names: [String]) -> [(id: Int, optional: Bool)] {
        var tokens: [(id: Int, optional: Bool)] = []
        let alignMap = config.alignMap
        func lookUp(_ p: String) -> String? { alignMap[p] ?? config.espeakMap[p] }
        for p in espeak {
            var mapped = lookUp(p)
            if mapped == nil {
                let stripped = String(p.reversed().drop { "#/-2".contains($0) }.reversed())
                mapped = lookUp(stripped)
            }
            guard let value = mapped else { continue }
            for part in value.split(separator: " ") {
                let optional = part.hasSuffix("?")
                let name = optional ? String(part.dropLast()) : String(part)
                guard !name.isEmpty, name != "SIL", let id = names.firstIndex(of: name) else { continue }
                tokens.append((id, optional))
            }
        }
        return tokens
    }
}
