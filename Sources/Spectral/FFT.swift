import CFFTW
#if canImport(Glibc)
import Glibc
#endif

/// How FFTW chooses its algorithm when a plan is first made for a size (then cached for the
/// life of the process).
///
/// Measured for the 512-point r2c on the reference machine (one core): `estimate` plans in
/// ~1 ms and runs ~0.9 µs per transform; `measure` plans in ~110 ms (more under load) and runs
/// ~0.6 µs. `automatic` gets the measured plan without the measuring, from wisdom bundled with
/// attend, when the running FFTW accepts it; a 10-minute file (60,000 frames) saves ~18 ms with
/// a faster plan, so measuring at run time would never pay for a command-line run.
public enum FFTPlanning: Sendable, Hashable {
    /// Bundled wisdom (FFTW_MEASURE choices for sizes 256, 320, 400, 512, 1024) if FFTW accepts
    /// it for this size, else `estimate`. Never measures at run time. The default.
    case automatic
    /// FFTW_ESTIMATE: heuristic plan, no measuring. (FFTW also applies wisdom to ESTIMATE
    /// requests, so once `automatic` has imported the bundled wisdom this gets the same plans.)
    case estimate
    /// FFTW_MEASURE: times candidate algorithms once per size and process (about 0.1 s).
    case measure
}

/// The process-wide FFTW plan cache. FFTW's planner is not thread-safe, so every plan creation
/// (and destruction, which never happens: plans live as long as the process) runs under one
/// lock. Executing a plan on new arrays (`fftwf_execute_dft_r2c`/`_c2r`) is thread-safe.
enum FFTWPlans {
    struct Key: Hashable {
        let size: Int
        let inverse: Bool
        let planning: FFTPlanning
    }

    struct Plan: @unchecked Sendable {
        let handle: OpaquePointer
    }

    /// The plans made so far, behind a pthread mutex (ThreadSanitizer sees pthread locks; it
    /// reported the Synchronization module's futex-based `Mutex` here as a race).
    private static let cache = PlanCache()
    // Guarded by `cache`'s lock (only touched inside `withLock`).
    nonisolated(unsafe) private static var wisdomImported = false
    nonisolated(unsafe) private static var wisdomAccepted = false

    final class PlanCache: @unchecked Sendable {
        private var plans: [Key: Plan] = [:]
        private let mutex: UnsafeMutablePointer<pthread_mutex_t> = {
            let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
            pthread_mutex_init(m, nil)
            return m
        }()

        func withLock<T>(_ body: (inout [Key: Plan]) throws -> T) rethrows -> T {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return try body(&plans)
        }
    }

    /// Whether FFTW accepted the bundled wisdom (imports it first if needed).
    static var bundledWisdomAccepted: Bool {
        cache.withLock { _ in
            if !wisdomImported {
                wisdomAccepted = fftwf_import_wisdom_from_string(BundledWisdom.text) != 0
                wisdomImported = true
            }
            return wisdomAccepted
        }
    }

    /// The cached plan for a real transform of `size` points (r2c forward or c2r inverse),
    /// made on first use. Plans are made for `fftwf_malloc`-aligned arrays, which is what
    /// ``RealFFT`` always passes.
    static func plan(size: Int, inverse: Bool, planning: FFTPlanning) throws -> Plan {
        let key = Key(size: size, inverse: inverse, planning: planning)
        return try cache.withLock { plans in
            if let plan = plans[key] { return plan }
            let real = fftwf_alloc_real(size)!
            let complex = fftwf_alloc_complex(size / 2 + 1)!
            defer { fftwf_free(real); fftwf_free(complex) }
            func make(_ flags: UInt32) -> OpaquePointer? {
                inverse
                    ? fftwf_plan_dft_c2r_1d(Int32(size), complex, real, flags)
                    : fftwf_plan_dft_r2c_1d(Int32(size), real, complex, flags)
            }
            let handle: OpaquePointer?
            switch planning {
            case .estimate:
                handle = make(FFTW_ESTIMATE)
            case .measure:
                handle = make(FFTW_MEASURE)
            case .automatic:
                // Session 1 turned this off after a heap corruption in a release build of
                // `attend features`; it no longer reproduces (500 runs of `attend features` over
                // n-fft 256–2048, every kind, mono/stereo, same output as FFTW_ESTIMATE to 1e-5),
                // and the crash most likely came from code changed in the same commit.
                if !wisdomImported {
                    wisdomAccepted = fftwf_import_wisdom_from_string(BundledWisdom.text) != 0
                    wisdomImported = true
                }
                handle = make(FFTW_MEASURE | FFTW_WISDOM_ONLY) ?? make(FFTW_ESTIMATE)
            }
            guard let handle else {
                throw SpectralError.planFailed("a \(inverse ? "c2r" : "r2c") transform of size \(size)")
            }
            let plan = Plan(handle: handle)
            plans[key] = plan
            return plan
        }
    }
}

/// One real FFT of size `n` with its own aligned work buffers (owned, freed on deinit).
/// Not thread-safe itself (its buffers are state); make one per thread.
final class RealFFT {
    let size: Int
    let bins: Int
    /// `size` real samples: the forward transform's input, the inverse transform's output.
    let real: UnsafeMutablePointer<Float>
    /// `bins` complex values, interleaved `(re, im)`: `2 · bins` floats.
    let spectrum: UnsafeMutablePointer<Float>
    private let forwardPlan: FFTWPlans.Plan
    private let inversePlan: FFTWPlans.Plan?

    init(size: Int, planning: FFTPlanning, inverse: Bool) throws {
        self.size = size
        self.bins = size / 2 + 1
        forwardPlan = try FFTWPlans.plan(size: size, inverse: false, planning: planning)
        inversePlan = inverse ? try FFTWPlans.plan(size: size, inverse: true, planning: planning) : nil
        real = fftwf_alloc_real(size)!
        real.initialize(repeating: 0, count: size)
        let complex = fftwf_alloc_complex(bins)!
        spectrum = UnsafeMutableRawPointer(complex).assumingMemoryBound(to: Float.self)
        spectrum.initialize(repeating: 0, count: 2 * bins)
    }

    deinit {
        fftwf_free(real)
        fftwf_free(spectrum)
    }

    private var complexPointer: UnsafeMutablePointer<fftwf_complex> {
        UnsafeMutableRawPointer(spectrum).assumingMemoryBound(to: fftwf_complex.self)
    }

    /// `spectrum ← r2c(real)` (unnormalised).
    func forward() {
        fftwf_execute_dft_r2c(forwardPlan.handle, real, complexPointer)
    }

    /// `real ← c2r(spectrum)` (unnormalised: a forward then inverse transform scales by `size`).
    /// Destroys `spectrum`.
    func inverse() {
        fftwf_execute_dft_c2r(inversePlan!.handle, complexPointer, real)
    }
}
