import CFFTW
import Synchronization

/// How FFTW chooses its algorithm when a plan is first made for a size (then cached for the
/// life of the process). `estimate` plans in microseconds; `measure` times candidate
/// algorithms once (milliseconds) and may run faster afterwards.
public enum FFTPlanning: Sendable, Hashable {
    case estimate
    case measure

    var flags: UInt32 {
        switch self {
        case .estimate: UInt32(FFTW_ESTIMATE)
        case .measure: UInt32(FFTW_MEASURE)
        }
    }
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

    private static let cache = Mutex<[Key: Plan]>([:])

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
            let handle: OpaquePointer?
            if inverse {
                handle = fftwf_plan_dft_c2r_1d(Int32(size), complex, real, planning.flags)
            } else {
                handle = fftwf_plan_dft_r2c_1d(Int32(size), real, complex, planning.flags)
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
