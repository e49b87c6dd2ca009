import Foundation
import Testing
@testable import Attend

/// The crash inputs of the FuzzCheckpoint and FuzzTranscript targets (Fuzz/Corpus/<target>/crash-*),
/// replayed through the checks their harnesses make, plus the minimal forms of each bug.
@Suite struct FuzzCrashReplayTests {
    static let corpus = ShippedModelTests.repo.appendingPathComponent("Fuzz/Corpus")

    static func crashInputs(_ target: String) -> [URL] {
        let dir = corpus.appendingPathComponent(target)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { $0.hasPrefix("crash-") }.sorted().map { dir.appendingPathComponent($0) }
    }

    /// FuzzCheckpoint's input layout: UInt16 n, n bytes of config JSON, then a safetensors file.
    /// Returns the error text when loading fails (nil when it loads).
    static func loadCheckpoint(_ bytes: Data) -> String? {
        let b = [UInt8](bytes)
        guard b.count >= 2 else { return nil }
        let n = min(Int(b[0]) | Int(b[1]) << 8, b.count - 2)
        do {
            let file = try SafeTensorsFile(data: Data(b[(2 + n)...]), file: "fuzz.safetensors")
            let checkpoint = try Checkpoint(weights: file, configData: Data(b[2..<(2 + n)]), configFile: "fuzz.json")
            _ = try AttendModel(checkpoint: checkpoint)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// CI seed 1 (2026-11-22): a config whose "window" value holds a line break gave a two-line
    /// error. Every checkpoint error is one line now, whatever text of the file it quotes.
    @Test func checkpointCrashInputsGiveOneLineErrors() throws {
        let inputs = Self.crashInputs("FuzzCheckpoint")
        #expect(!inputs.isEmpty)
        for url in inputs {
            let message = Self.loadCheckpoint(try Data(contentsOf: url))
            if let message {
                #expect(!message.isEmpty && !message.contains("\n") && !message.contains("\r"), "\(url.lastPathComponent): \(message)")
            }
        }
    }

    @Test func quotedLineBreaksAreEscaped() {
        let error = CheckpointError.badConfig(file: "m.json", key: "window", reason: "unknown window 'h\nn\r\u{2028}x'")
        #expect(error.description == "m.json: key 'window': unknown window 'h\\nn\\r\\u{2028}x'")
        let tensor = CheckpointError.missingTensor(file: "w.safetensors", tensor: "a\nb")
        #expect(!tensor.description.contains("\n") && tensor.description.contains("a\\nb"))
    }

    /// CI seed 1: U+0605 (a prepended concatenation mark) joins the following space into one
    /// Character, so splitting at Character white space left a space inside a word.
    @Test func transcriptCrashInputsSplitCleanly() throws {
        let phonemizer = try Phonemizer(voice: "en-us")
        let inputs = Self.crashInputs("FuzzTranscript")
        #expect(!inputs.isEmpty)
        for url in inputs {
            guard let text = String(data: try Data(contentsOf: url), encoding: .utf8) else { continue }
            do {
                let transcript = try Transcript(text, phonemizer: phonemizer)
                #expect(transcript.words.count <= Transcript.tokens(of: text).count)
                for word in transcript.words {
                    #expect(!word.text.isEmpty && !word.text.unicodeScalars.contains { $0.properties.isWhitespace })
                    #expect(word.phones.allSatisfy { !$0.isEmpty && !$0.contains(" ") })
                }
            } catch TranscriptError.empty {}
        }
    }

    /// FuzzTranscript, 2026-12-04 (10-minute run), then exhaustive scans of every code point:
    /// Debian's libespeak-ng 1.51 reads freed memory on characters of many non-Latin scripts
    /// (a Kannada digit alone, a Hangul final consonant, an Armenian or Bengali currency sign
    /// after `t'`). The phonemizer passes on only Latin-side text and the letters of a few
    /// scripts, one script per call, never an apostrophe beside a non-Latin letter. (Without
    /// AddressSanitizer the bad read rarely crashes, so these tests check what reaches libespeak-ng.)
    @Test func libespeakNeverSeesTheCharactersThatCrashIt() throws {
        #expect(Phonemizer.espeakRuns("\u{0CEB}").isEmpty)
        #expect(Phonemizer.espeakRuns("'\u{11E5}") == ["'"])
        #expect(Phonemizer.espeakRuns("t'\u{058F}+\"))5'") == ["t'", "+\"))5'"])
        #expect(Phonemizer.espeakRuns("don\u{2019}t\u{0BDD}") == ["don\u{2019}t"])
        // Latin text, diacritics, typographic apostrophes and numbers stay one run, as written.
        for word in ["don't", "Dvořák", "Nguyễn", "naïve", "rock’n’roll", "$1,984.50", "O'Brien-Smith"] {
            #expect(Phonemizer.espeakRuns(word) == [word])
        }
        // Other scripts: one run per script, apostrophes dropped beside them.
        #expect(Phonemizer.espeakRuns("Привет'мир") == ["Приветмир"])
        #expect(Phonemizer.espeakRuns("abcПривет東京") == ["abc", "Привет", "東京"])
        #expect(Phonemizer.espeakRuns("l'école") == ["l'école"])
    }

    /// FuzzTranscript, 2026-12-06: `b'S.A.` and 220 digits smashed libespeak-ng 1.51's stack.
    /// No call gets more than 64 scalars; the pieces put back together are the text.
    @Test func longTokensReachLibespeakInPiecesOfAtMost64Scalars() throws {
        let token = "b'S.A." + String(repeating: "7", count: 220)
        let runs = Phonemizer.espeakRuns(token)
        #expect(runs.count == 4)
        #expect(runs.allSatisfy { $0.unicodeScalars.count <= 64 })
        #expect(runs.joined() == token)
        #expect(Phonemizer.espeakRuns(String(repeating: "a", count: 64)).count == 1)
        #expect(Phonemizer.espeakRuns(String(repeating: "a", count: 65)).map(\.count) == [64, 1])
        #expect(Phonemizer.espeakRuns("a" + String(repeating: "'", count: 200)).map(\.count) == [64, 64, 64, 9])
        // Cyrillic is cut the same way.
        #expect(Phonemizer.espeakRuns(String(repeating: "д", count: 130)).map(\.count) == [64, 64, 2])
        let phonemizer = try Phonemizer(voice: "en-us")
        let transcript = try Transcript(token + " dog", phonemizer: phonemizer)
        #expect(transcript.words.map(\.text) == [token, "dog"])
        #expect(transcript.words[0].phones.count > 100)
    }

    @Test func wordsWithTheCrashingCharactersKeepTheirTextAndTheirLatinPhones() throws {
        let phonemizer = try Phonemizer(voice: "en-us")
        let transcript = try Transcript("don\u{2019}t\u{0BDD} \u{0CEB} dog's", phonemizer: phonemizer)
        #expect(transcript.words.map(\.text) == ["don\u{2019}t\u{0BDD}", "\u{0CEB}", "dog's"])
        #expect(transcript.words[0].phones == phonemizer.phonemes(of: "don't"))
        #expect(!transcript.words[0].phones.isEmpty && transcript.words[1].phones.isEmpty)
        #expect(transcript.words[2].phones.last == "z")
    }

    @Test func aPrependedMarkBeforeASpaceDoesNotJoinTwoWords() throws {
        let phonemizer = try Phonemizer(voice: "en-us")
        let transcript = try Transcript("one\u{0605} two", phonemizer: phonemizer)
        #expect(transcript.words.map(\.text) == ["one", "two"])
        let words = try Transcript("\u{0605} hello world", phonemizer: phonemizer).words.map(\.text)
        #expect(words == ["hello", "world"])
    }
}
