import AudioIO
import Foundation
import Plotting

extension InspectReport {
    /// Audio embedded per player: 16 kHz mono MP3 at 24 kbit/s constant bit rate (libsndfile's
    /// compression level for that rate), at most `maxAudioSeconds` from the window's start.
    public static let audioCompression = 0.82

    /// The report as one self-contained HTML document: figures as PNG data URIs, inline CSS,
    /// audio as MP3 data URIs; no script, no network access.
    public func html() throws -> Data {
        let clock = ContinuousClock(), t0 = clock.now
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>attend inspect: \(Self.escape(URL(fileURLWithPath: source).lastPathComponent))</title>
        <style>
        body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fff; }
        h1 { font-size: 1.5em; margin: 0 0 .3em; } h2 { font-size: 1.2em; margin: 1.6em 0 .4em; border-bottom: 1px solid #ddd; }
        figure { margin: .6em 0; overflow-x: auto; } figcaption { color: #555; font-size: .9em; }
        img { image-rendering: pixelated; display: block; max-width: none; }
        .grid { display: flex; flex-wrap: wrap; gap: 10px; } .grid figure { margin: 0; } h3 { font-size: 1em; margin: 1em 0 .3em; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
        td, th { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: right; } td:first-child, th:first-child { text-align: left; }
        .low { color: #b00; } .meta { color: #555; } audio { width: 100%; max-width: 720px; }
        </style></head><body>
        <h1>attend inspect</h1>
        <p class="meta">\(Self.escape(source)) · window \(Self.time(start))–\(Self.time(end)) s of \(Self.time(duration)) s · model \(Self.escape(modelName))</p>

        """
        h += "<h2 id=\"audio\">Audio</h2>\n"
        let limit = Int(maxAudioSeconds * Double(sampleRate))
        if inputAudio.count > limit {
            h += "<p class=\"meta\">The players hold the first \(Self.time(maxAudioSeconds)) s of the window.</p>\n"
        }
        for (label, samples) in [("input", inputAudio), ("denoised", denoisedAudio)] {
            let clip = Array(samples.prefix(limit))
            let mp3 = try AudioMemoryEncoder.encode(clip, sampleRate: sampleRate, format: .mp3, compression: Self.audioCompression,
                                                    name: "\(source) (\(label) audio)")
            h += "<p>\(label)<br><audio id=\"audio-\(label)\" controls preload=\"metadata\" src=\"data:audio/mpeg;base64,\(mp3.base64EncodedString())\"></audio></p>\n"
        }
        for figure in figures where !figure.id.hasPrefix("attention-") {
            h += "<h2 id=\"\(figure.id)\">\(Self.escape(figure.title))</h2>\n" + (try Self.figureHTML(figure))
        }
        if !heads.isEmpty {
            h += "<h2 id=\"attention\">Self-attention</h2>\n<p class=\"meta\">Every layer and head over \(Self.time(attentionStart))–\(Self.time(attentionEnd)) s "
                + "(the audio of this span encoded on its own). Rows are queries, columns keys; black = exactly zero.</p>\n"
            h += "<table><tr><th>layer</th><th>head</th><th>α</th><th>exact zeros</th></tr>\n"
            for s in heads {
                h += String(format: "<tr><td>%d</td><td>%d</td><td>%.3f</td><td>%.1f %%</td></tr>\n", s.layer, s.head, s.alpha, s.zeroShare * 100)
            }
            h += "</table>\n"
            for layer in Set(heads.map(\.layer)).sorted() {
                h += "<h3>Layer \(layer)</h3>\n<div class=\"grid\">\n"
                for figure in figures where figure.id.hasPrefix("attention-L\(layer)-") { h += try Self.figureHTML(figure) }
                h += "</div>\n"
            }
        }
        if !words.isEmpty {
            h += "<h2 id=\"confidence\">Words</h2>\n<table><tr><th>word</th><th>start (s)</th><th>end (s)</th><th>confidence</th><th>phones</th></tr>\n"
            for w in words {
                let phones = w.phones.map(\.phone).joined(separator: " ")
                h += "<tr><td>\(Self.escape(w.word))</td><td>\(Self.time(w.start))</td><td>\(Self.time(w.end))</td>"
                    + "<td\(w.confidence < 0.5 ? " class=\"low\"" : "")>\(String(format: "%.3f", w.confidence))</td><td>\(Self.escape(phones))</td></tr>\n"
            }
            h += "</table>\n"
        }
        let elapsed = clock.now - t0
        h += String(format: "<p class=\"meta\">model %.2f s · figures %.2f s · page %.2f s</p>\n</body></html>\n",
                    modelSeconds, drawingSeconds, InspectBuilder.seconds(elapsed))
        return Data(h.utf8)
    }

    /// Writes `html()` to `path` atomically (temporary file, then rename).
    public func writeHTML(to path: String) throws {
        try PartialFiles.writeAtomically(try html(), to: path)
    }

    /// Writes every figure as `DIR/<id>.png` (creating DIR), each atomically. Returns the paths.
    @discardableResult
    public func writePNGs(to directory: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw AudioError.writeFailed(directory, message: "cannot create the directory: \(error.localizedDescription)")
        }
        var written: [String] = []
        for figure in figures {
            let path = URL(fileURLWithPath: directory).appendingPathComponent(figure.id + ".png").path
            try PartialFiles.writeAtomically(try PNG.encode(figure.canvas, name: path), to: path)
            written.append(path)
        }
        return written
    }

    static func figureHTML(_ figure: InspectFigure) throws -> String {
        let png = try PNG.encode(figure.canvas, name: figure.id)
        return "<figure><img id=\"fig-\(figure.id)\" alt=\"\(escape(figure.title))\" width=\"\(figure.canvas.width)\" height=\"\(figure.canvas.height)\" "
            + "src=\"data:image/png;base64,\(png.base64EncodedString())\"><figcaption>\(escape(figure.caption))</figcaption></figure>\n"
    }

    static func time(_ s: Double) -> String { String(format: "%.2f", s) }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
