import Foundation

/// Finds the audio files of a directory tree, in a stable order.
public enum FileDiscovery {
    /// Extensions libsndfile reads (lower-case), which a directory walk picks up.
    public static let audioExtensions: Set<String> = [
        "wav", "wave", "flac", "ogg", "oga", "opus", "mp3", "aif", "aiff", "aifc", "caf", "au", "snd",
        "w64", "rf64", "sph", "nist", "voc", "sd2", "htk", "mat", "pvf", "xi", "paf", "iff", "svx",
    ]

    /// Paths relative to `root` of every audio file below it (recursively), sorted bytewise.
    /// Hidden files and folders (a leading dot, which includes attend's own temporary outputs)
    /// are skipped; symbolic links to files are followed, links to folders are not (no cycles).
    /// A folder at `excluding` (the batch's own output folder, when it lies inside the input) is
    /// not entered.
    public static func audioFiles(under root: URL, excluding: URL? = nil) throws -> [String] {
        let excluded = excluding?.standardizedFileURL.resolvingSymlinksInPath().path
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw BatchError.notADirectory(root.path)
        }
        var found: [String] = []
        var stack = [""]
        while let rel = stack.popLast() {
            let dir = rel.isEmpty ? root : root.appendingPathComponent(rel)
            let names: [String]
            do { names = try fm.contentsOfDirectory(atPath: dir.path) } catch {
                throw BatchError.unreadableDirectory(dir.path)
            }
            for name in names where !name.hasPrefix(".") {
                let childRel = rel.isEmpty ? name : rel + "/" + name
                let child = root.appendingPathComponent(childRel)
                let values = try? child.resourceValues(forKeys: [.isDirectoryKey, .isSymbolicLinkKey])
                if values?.isDirectory == true, values?.isSymbolicLink != true {
                    if child.standardizedFileURL.resolvingSymlinksInPath().path != excluded { stack.append(childRel) }
                } else if audioExtensions.contains(child.pathExtension.lowercased()) {
                    found.append(childRel)
                }
            }
        }
        return found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The transcript beside an audio file: `NAME.txt`, else `NAME.lab`; nil if neither exists.
    public static func transcript(for audio: URL) -> URL? {
        let base = audio.deletingPathExtension()
        for ext in ["txt", "lab"] {
            let candidate = base.appendingPathExtension(ext)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return nil
    }
}

public enum BatchError: Error, CustomStringConvertible, Equatable {
    case notADirectory(String)
    case unreadableDirectory(String)

    public var description: String {
        switch self {
        case .notADirectory(let p): return "\(p): not a directory"
        case .unreadableDirectory(let p): return "\(p): cannot list directory"
        }
    }
}
