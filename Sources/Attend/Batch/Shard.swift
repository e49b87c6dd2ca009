import Foundation

/// A deterministic share of a corpus: file `f` belongs to shard `index` of `count` when
/// `FNV-1a-64(relative path of f) % count == index`. Hashing the path (not its rank in a listing)
/// keeps every file in the same shard when files are added or removed elsewhere, and every
/// machine computes the same split with no coordination.
public struct Shard: Equatable, Sendable, CustomStringConvertible {
    /// 0-based index, `0 ..< count`.
    public let index: Int
    public let count: Int

    public static let all = Shard(uncheckedIndex: 0, count: 1)

    private init(uncheckedIndex index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw ShardError.invalid("shard count must be at least 1, got \(count)") }
        guard (0..<count).contains(index) else {
            throw ShardError.invalid("shard index must be in 0..<\(count), got \(index)")
        }
        self.init(uncheckedIndex: index, count: count)
    }

    /// Parses `I/N` (0-based I), as `--shard 3/16`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardError.invalid("--shard takes I/N with 0 <= I < N, got '\(text)'")
        }
        try self.init(index: i, count: n)
    }

    /// The shard named by a cluster scheduler's environment, if any:
    /// - Slurm job arrays: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT` and
    ///   `SLURM_ARRAY_TASK_MIN` (index = ID − MIN, so `--array=1-100` and `--array=0-99` both work);
    /// - Kubernetes indexed Jobs: `JOB_COMPLETION_INDEX` (0-based) with the count stated in
    ///   `ATTEND_SHARD_COUNT` (or `countHint`, from `--shard-count`), since Kubernetes does not
    ///   put the completion count in the environment.
    public static func fromEnvironment(_ env: [String: String], countHint: Int? = nil) throws -> Shard? {
        if let id = env["SLURM_ARRAY_TASK_ID"].flatMap({ Int($0) }) {
            guard let count = env["SLURM_ARRAY_TASK_COUNT"].flatMap({ Int($0) }) ?? countHint else {
                throw ShardError.invalid("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not; pass --shard-count")
            }
            let min = env["SLURM_ARRAY_TASK_MIN"].flatMap { Int($0) } ?? 0
            return try Shard(index: id - min, count: count)
        }
        if let id = env["JOB_COMPLETION_INDEX"].flatMap({ Int($0) }) {
            guard let count = env["ATTEND_SHARD_COUNT"].flatMap({ Int($0) }) ?? countHint else {
                throw ShardError.invalid("JOB_COMPLETION_INDEX is set; state the number of shards with --shard-count or ATTEND_SHARD_COUNT")
            }
            return try Shard(index: id, count: count)
        }
        return nil
    }

    public func contains(relativePath: String) -> Bool {
        count == 1 || Int(Self.fnv1a(relativePath) % UInt64(count)) == index
    }

    public var description: String { "\(index)/\(count)" }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

public enum ShardError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let m): return m }
    }
}
