import Foundation
import NeuralEngine

extension AlignmentResult {
    /// The result rendered in `format`; the text ends with a newline.
    public func rendered(as format: AlignmentFormat) -> String {
        switch format {
        case .json: return jsonText() + "\n"
        case .textgrid: return textGrid()
        case .srt: return subtitles(vtt: false)
        case .vtt: return subtitles(vtt: true)
        case .ctm: return ctm()
        case .audacity: return lines { "\(Self.seconds($0.start))\t\(Self.seconds($0.end))\t\($0.word)" }
        case .tsv: return "word\tstart\tend\tconfidence\n" + lines {
            "\($0.word)\t\(Self.seconds($0.start))\t\(Self.seconds($0.end))\t\(Self.score($0.confidence))"
        }
        }
    }

    /// One JSON object on one line, keys in the documented order.
    public func jsonText() -> String {
        let words = words.map { w -> String in
            let phones = w.phones.map {
                "{\"phone\":\(JSONText.string($0.phone)),\"start\":\(Self.seconds($0.start)),\"end\":\(Self.seconds($0.end))}"
            }.joined(separator: ",")
            return "{\"word\":\(JSONText.string(w.word)),\"start\":\(Self.seconds(w.start)),\"end\":\(Self.seconds(w.end)),"
                + "\"confidence\":\(Self.score(w.confidence)),\"phones\":[\(phones)]}"
        }
        return "{\"audio\":\(JSONText.string(audio)),\"duration\":\(Self.seconds(duration)),\"words\":[\(words.joined(separator: ","))]}"
    }

    private func lines(_ line: (WordTiming) -> String) -> String {
        words.map { line($0) + "\n" }.joined()
    }

    private func ctm() -> String {
        let name = audio == "-" ? "stdin" : URL(fileURLWithPath: audio).deletingPathExtension().lastPathComponent
        let id = name.isEmpty ? "audio" : name.replacingOccurrences(of: " ", with: "_")
        return lines {
            "\(id) 1 \(Self.seconds($0.start)) \(Self.seconds($0.end - $0.start)) \($0.word.replacingOccurrences(of: " ", with: "_")) \(Self.score($0.confidence))"
        }
    }

    private func subtitles(vtt: Bool) -> String {
        var out = vtt ? "WEBVTT\n\n" : ""
        for (i, w) in words.enumerated() {
            if !vtt { out += "\(i + 1)\n" }
            out += "\(Self.clock(w.start, vtt: vtt)) --> \(Self.clock(max(w.end, w.start + 0.001), vtt: vtt))\n"
            out += w.word + "\n\n"
        }
        return out
    }

    private func textGrid() -> String {
        let wordIntervals = Self.fill(words.map { ($0.start, $0.end, $0.word) }, duration: duration)
        let phoneIntervals = Self.fill(words.flatMap { $0.phones.map { ($0.start, $0.end, $0.phone) } }, duration: duration)
        var out = "File type = \"ooTextFile\"\nObject class = \"TextGrid\"\n\n"
        out += "xmin = 0\nxmax = \(Self.seconds(duration))\ntiers? <exists>\nsize = 2\nitem []:\n"
        for (index, (name, intervals)) in [("words", wordIntervals), ("phones", phoneIntervals)].enumerated() {
            out += "    item [\(index + 1)]:\n        class = \"IntervalTier\"\n        name = \"\(name)\"\n"
            out += "        xmin = 0\n        xmax = \(Self.seconds(duration))\n"
            out += "        intervals: size = \(intervals.count)\n"
            for (i, iv) in intervals.enumerated() {
                out += "        intervals [\(i + 1)]:\n"
                out += "            xmin = \(Self.seconds(iv.0))\n            xmax = \(Self.seconds(iv.1))\n"
                out += "            text = \"\(iv.2.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
            }
        }
        return out
    }

    /// Contiguous intervals covering [0, duration]: the given spans (clipped, in order) with empty
    /// intervals in the gaps, as a Praat interval tier requires.
    static func fill(_ spans: [(Double, Double, String)], duration: Double) -> [(Double, Double, String)] {
        var out: [(Double, Double, String)] = []
        var cursor = 0.0
        let end = max(duration, spans.last.map { $0.1 } ?? 0)
        for (s, e, text) in spans {
            let start = max(rounded(s), cursor)
            let stop = min(max(rounded(e), start), rounded(end))
            guard stop > start else { continue }
            if start > cursor { out.append((cursor, start, "")) }
            out.append((start, stop, text))
            cursor = stop
        }
        if rounded(end) > cursor { out.append((cursor, rounded(end), "")) }
        if out.isEmpty { out.append((0, max(rounded(end), 0.001), "")) }
        return out
    }

    private static func rounded(_ t: Double) -> Double { (t * 1000).rounded() / 1000 }

    /// Seconds with millisecond resolution, no trailing zeros beyond what is needed ("1.25", "0").
    public static func seconds(_ t: Double) -> String {
        let ms = Int((t * 1000).rounded())
        let whole = ms / 1000, frac = abs(ms % 1000)
        if frac == 0 { return "\(whole)" }
        var digits = String(format: "%03d", frac)
        while digits.hasSuffix("0") { digits.removeLast() }
        return (ms < 0 && whole == 0 ? "-" : "") + "\(whole).\(digits)"
    }

    static func score(_ x: Double) -> String {
        x.isFinite ? String(format: "%.3f", x) : "0.000"
    }

    static func clock(_ t: Double, vtt: Bool) -> String {
        let ms = max(0, Int((t * 1000).rounded()))
        let h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, f = ms % 1000
        return String(format: "%02d:%02d:%02d", h, m, s) + (vtt ? "." : ",") + String(format: "%03d", f)
    }
}
