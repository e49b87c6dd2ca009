import Foundation
import Testing
@testable import AudioIO

/// Reading never holds the whole input: a 3-hour stream (8 kHz, 16-bit mono, 172.8 MB of
/// samples, as a WAV header of unknown length on a pipe) is read in 4096-frame chunks while
/// the resident set is sampled. Stated bound: growth below 48 MiB (loading it whole as Float
/// would take 330 MiB), and the pipe's look-back buffer stays within 2 × its 1 MiB window
/// plus one 64 KiB read.
@Suite struct MemoryTests {
    @Test func threeHourStreamReadsInBoundedMemory() throws {
        let rate = 8000, seconds = 3 * 3600
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readFD, writeFD) = (fds[0], fds[1])
        let header = AudioFileWriter.streamingWAVHeader(sampleRate: rate, channels: 1, format: .wav16)
        let writer = Thread {
            var second = [Int16](repeating: 0, count: rate)
            for i in 0..<rate { second[i] = Int16(8000 * sin(2 * Double.pi * 440 * Double(i) / Double(rate))) }
            func put(_ p: UnsafeRawBufferPointer) { writeAll(writeFD, p) }
            header.withUnsafeBytes(put)
            for _ in 0..<seconds { second.withUnsafeBytes(put) }
            close(writeFD)
        }
        writer.start()
        defer { close(readFD) }

        let reader = try AudioFileReader(path: "/dev/fd/\(readFD)")
        #expect(reader.isStream)
        let baseline = residentKB()
        var peak = baseline
        var buffer: [Float] = []
        var frames = 0
        var chunks = 0
        var sumSquares = 0.0
        while case let n = try reader.read(into: &buffer, maxFrames: 4096), n > 0 {
            frames += n
            chunks += 1
            if chunks % 64 == 0 {
                peak = max(peak, residentKB())
                sumSquares += Double(buffer[0] * buffer[0])
            }
        }
        #expect(frames == rate * seconds)
        #expect(reader.info.frames == rate * seconds)
        #expect(sumSquares > 0)
        let growthMiB = Double(peak - baseline) / 1024
        #expect(growthMiB < 48, "resident set grew by \(growthMiB) MiB")
        print("3 h stream: resident set grew by \(growthMiB) MiB")
    }

    /// A WAV stream whose header gives an "unknown length" size is read to its end, not to the
    /// size: libsndfile alone stops after the declared bytes (here sox's 0x7FFFF000, 2 GiB: 1.5 h
    /// of 48 kHz stereo PCM16, 37 h of 16 kHz mono even at 0xFFFFFFFF). The stream is 8-bit stereo
    /// (2-byte frames) whose declared size ends in the middle of a frame; the 1000 frames after the declared
    /// size carry a ramp in the left channel and its negation in the right, so a frame or byte
    /// lost or shifted at the seam changes them.
    @Test func unknownLengthWAVStreamIsReadPastItsDeclaredSize() throws {
        let declared = 0x7FFF_F001, extra = 1000
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let (readFD, writeFD) = (fds[0], fds[1])
        var head = [UInt8]("RIFF".utf8) + [0xFF, 0xFF, 0xFF, 0xFF] + [UInt8]("WAVEfmt ".utf8)
        func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        head += le(16, 4) + le(1, 2) + le(2, 2) + le(8000, 4) + le(16000, 4) + le(2, 2) + le(8, 2)
        head += [UInt8]("data".utf8) + le(declared, 4)
        let header = head
        let declaredFrames = declared / 2
        var after = [UInt8]()   // from the first frame the declared size cuts in two
        for i in 0..<extra { after += [UInt8(128 + (i % 100)), UInt8(128 - (i % 100))] }
        let tail = after
        let writer = Thread {
            func put(_ p: UnsafeRawBufferPointer) { writeAll(writeFD, p) }
            header.withUnsafeBytes(put)
            let block = [UInt8](repeating: 128, count: 1 << 20)
            var left = declared - declared % 2
            while left > 0 {
                block.withUnsafeBytes { put(UnsafeRawBufferPointer(rebasing: $0[0..<min(left, $0.count)])) }
                left -= min(left, block.count)
            }
            tail.withUnsafeBytes(put)
            close(writeFD)
        }
        writer.start()
        defer { close(readFD) }
        let reader = try AudioFileReader(path: "/dev/fd/\(readFD)")
        #expect(reader.isStream && reader.info.channels == 2)
        var buffer: [Float] = []
        var frames = 0
        var last: [Float] = []
        while case let n = try reader.read(into: &buffer, maxFrames: 1 << 20), n > 0 {
            frames += n
            last = Array((last + buffer).suffix(2 * extra))
        }
        #expect(frames == declaredFrames + extra)
        #expect(reader.info.frames == declaredFrames + extra)
        var want: [Float] = []
        for i in 0..<extra {
            let v = Float(i % 100) / 128
            want += [v, -v]
        }
        #expect(last.count == want.count && zip(last, want).allSatisfy { $0 == $1 }, "the frames after the declared size differ")
    }

    @Test func pipeLookBackBufferIsBounded() throws {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        let writeFD = fds[1]
        let writer = Thread {
            let block = [UInt8](repeating: 7, count: 1 << 16)
            for _ in 0..<160 { _ = block.withUnsafeBytes { write(writeFD, $0.baseAddress!, $0.count) } }   // 10 MiB
            close(writeFD)
        }
        writer.start()
        defer { close(fds[0]) }
        let source = PipeByteSource(fd: fds[0], lookBack: 1 << 20)
        var scratch = [UInt8](repeating: 0, count: 10_000)
        var total = 0
        var peak = 0
        while case let n = scratch.withUnsafeMutableBytes({ source.read(into: $0.baseAddress!, count: $0.count) }), n > 0 {
            total += n
            peak = max(peak, source.bufferedBytes)
            if total >= 500_000 {   // look back half a megabyte, then return
                #expect(source.seek(offset: -500_000, whence: SEEK_CUR) == total - 500_000)
                #expect(source.seek(offset: 500_000, whence: SEEK_CUR) == total)
            }
        }
        #expect(total == 160 << 16)
        #expect(peak <= 2 * (1 << 20) + (1 << 16) + 10_000)
        #expect(source.seek(offset: 0, whence: SEEK_SET) == -1)   // long gone
        #expect(source.seek(offset: -10, whence: SEEK_END) == total - 10)
    }
}
