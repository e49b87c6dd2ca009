import CSndFile
import CSoxr

// AudioIO: audio in and out for attend. The only target that imports libsndfile and libsoxr.
//
//   AudioFileReader   any libsndfile format from a path, a FIFO or stdin ("-"), or headerless
//                     PCM (RawPCMFormat); bounded chunks of interleaved Float; AudioInfo.
//   AudioFileReader.probe   the info `attend info` prints (counts frames of streams).
//   Resampler         streaming libsoxr (SOXR_HQ), exact output length, no delay.
//   Downmix           channel averaging; validateFinite for NaN/Inf checks.
//   MonoStream        reader → mono → resampler: 16 kHz mono chunks for the models, with the
//                     original AudioInfo kept for writing results back; readMono16k for short files.
//   AudioFileWriter   WAV (16/24/float) and FLAC to a file (temporary name, renamed by finish(),
//                     removed otherwise) or WAV streamed to stdout / any descriptor.
//   AudioError        one-line, file-naming errors carrying libsndfile's message.
//
// Example: denoise-style round trip at the input's own rate.
//
//   let stream = try MonoStream(path: input)                    // 16 kHz mono chunks
//   let out = try AudioFileWriter(path: output, sampleRate: 16_000, channels: 1, format: .wav16)
//   while let chunk = try stream.next() { try out.write(process(chunk)) }
//   try out.finish()                                            // only now does `output` appear

/// Versions of the C libraries this target wraps, for `attend --version` and bug reports.
public enum AudioLibraries {
    public static var sndfileVersion: String { String(cString: sf_version_string()) }
    public static var soxrVersion: String { String(cString: soxr_version()) }
}
