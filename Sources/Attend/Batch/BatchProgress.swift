import Foundation

/// Progress of a batch on standard error: a bar redrawn in place when stderr is a terminal
/// (files done, hours of audio, speed × real time, ETA), nothing but messages otherwise.
public final class BatchProgress {
    private let interactive: Bool
    private var total = 0
    private var lastDraw = Date.distantPast

    public init(interactive: Bool = isatty(STDERR_FILENO) == 1) {
        self.interactive = interactive
    }

    func begin(total: Int) { self.total = total }

    func update(done: Int, audioSeconds: Double, elapsed: Double) {
        guard interactive, done == total || Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        let width = 24
        let filled = total > 0 ? width * done / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let speed = elapsed > 0 ? audioSeconds / elapsed : 0
        let eta = done > 0 && done < total ? Self.clock(elapsed / Double(done) * Double(total - done)) : "-"
        write("\r[\(bar)] \(done)/\(total) files " + String(format: "%.2f h audio %.1f× ETA ", audioSeconds / 3600, speed) + eta + "\u{1B}[K")
    }

    /// A line that must not be overwritten by the bar (an error, a note).
    func message(_ line: String) {
        write((interactive ? "\r\u{1B}[K" : "") + line + "\n")
    }

    func end() { if interactive { write("\n") } }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// `1h02m`, `3m12s`, `42s`.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%dh%02dm", s / 3600, s / 60 % 60) }
        if s >= 60 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return "\(s)s"
    }
}
