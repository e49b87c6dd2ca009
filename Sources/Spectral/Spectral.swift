import CFFTW

/// Sanity hook for the FFTW wrapper: the number of bins of a real FFT of size `n`, as FFTW lays them out.
public enum SpectralLibraries {
    public static func realBins(fftSize n: Int) -> Int { n / 2 + 1 }
    static func linkCheck() { fftwf_set_timelimit(-1) }
}
