import Attend
import Foundation

// Input: one control byte, then the bytes that arrive on stdin.
//   control & 1 == 0: the stream is sniffed (WAV, FLAC, OGG, ... as `attend … -` reads it);
//   control & 1 == 1: headerless PCM, encoding = RawSampleFormat.allCases[(control >> 1) % 6],
//                     rate and channels from the top bits.
// The payload is written into a pipe that is then made fd 0, so AudioFileReader(path: "-")
// takes exactly the stdin path (PipeByteSource through libsndfile's virtual I/O). Every read
// must either return whole frames of the declared channel count or throw an AudioError.

private let rawRates = [8_000, 16_000, 44_100, 48_000]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStreamReader(_ bytes: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data = bytes else { return 0 }
    guard size >= 1 else { return 0 }
    let control = data[0]
    let payload = UnsafeBufferPointer(start: data + 1, count: size - 1)
    var raw: RawPCMFormat?
    if control & 1 == 1 {
        let sample = RawSampleFormat.allCases[Int(control >> 1) % RawSampleFormat.allCases.count]
        raw = RawPCMFormat(sample: sample, sampleRate: rawRates[Int(control >> 4) & 3], channels: 1 + Int(control >> 6))
    }
    guard feedStdin(payload) else { fatalError("fuzz harness: cannot set up the stdin pipe") }
    do {
        let reader = try AudioFileReader(path: "-", raw: raw)
        let channels = reader.info.channels
        precondition(AudioInfo.channelRange.contains(channels) && AudioInfo.sampleRateRange.contains(reader.info.sampleRate))
        precondition(reader.isStream && reader.info.frames == nil, "a stream's length is unknown until its end")
        // Resampling a 1 Hz stream to 16 kHz is legal but slow; the resampler gets sane rates only.
        if (4_000...192_000).contains(reader.info.sampleRate) {
            let stream = try MonoStream(reader: reader, chunkFrames: 4_096)
            var chunk: [Float] = []
            var chunks = 0
            while chunks < 256, try stream.next(into: &chunk) {
                precondition(!chunk.isEmpty)
                chunks += 1
            }
        } else {
            var buffer: [Float] = []
            var total = 0
            while total < 1 << 20 {
                let got = try reader.read(into: &buffer, maxFrames: 4_096)
                precondition(buffer.count == got * channels, "a read returned a partial frame")
                if got == 0 { break }
                total += got
            }
        }
    } catch {
        precondition(!error.description.isEmpty && !error.description.contains("\n"), "error text must be one line")
    }
    return 0
}

/// Makes fd 0 the read end of a pipe that holds `bytes` and is closed for writing. fd 0 stays
/// open between inputs (`dup2` replaces the previous pipe), so `pipe` never hands out fd 0.
private func feedStdin(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0, fds[0] != 0, fds[1] != 0 else { return false }
    // 1 MiB of pipe buffer (Linux's default maximum) holds any input libFuzzer is given here.
    _ = fcntl(fds[1], 1031 /* F_SETPIPE_SZ */, 1 << 20)
    var offset = 0
    while offset < bytes.count {
        let n = write(fds[1], bytes.baseAddress! + offset, bytes.count - offset)
        if n <= 0 { close(fds[0]); close(fds[1]); return false }
        offset += n
    }
    close(fds[1])
    guard dup2(fds[0], 0) == 0 else { return false }
    close(fds[0])
    return true
}
