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

    @Test func aPrependedMarkBeforeASpaceDoesNotJoinTwoWords() throws {
        let phonemizer = try Phonemizer(voice: "en-us")
        let transcript = try Transcript("one\u{0605} two", phonemizer: phonemizer)
        #expect(transcript.words.map(\.text) == ["one", "two"])
        let words = try Transcript("\u{0605} hello world", phonemizer: phonemizer).words.map(\.text)
        #expect(words == ["hello", "world"])
    }
}
