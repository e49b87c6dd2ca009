import Attend
import Foundation

// Input: the bytes of a transcript file. Bytes that are not UTF-8 must be refused (as
// Transcript(contentsOf:) does); text must split into words that keep their order, each with
// punctuation stripped from its edges, and get phonemes from libespeak-ng without a crash.

private let phonemizer: Phonemizer = {
    do { return try Phonemizer(voice: "en-us") } catch { fatalError("fuzz harness: \(error)") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTranscript(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = bytes else { return 0 }
    guard let text = String(data: Data(bytes: data, count: size), encoding: .utf8) else { return 0 }
    do {
        let transcript = try Transcript(text, phonemizer: phonemizer)
        let tokens = Transcript.tokens(of: text)
        precondition(!transcript.words.isEmpty && transcript.words.count <= tokens.count)
        for word in transcript.words {
            precondition(!word.text.isEmpty && !word.text.unicodeScalars.contains(where: { $0.properties.isWhitespace }))
            precondition(word.phones.allSatisfy { !$0.isEmpty && !$0.contains(" ") })
        }
    } catch TranscriptError.empty {
        // Only punctuation, symbols and white space.
    } catch {
        preconditionFailure("unexpected error \(error)")
    }
    return 0
}
