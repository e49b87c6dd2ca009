import CSndFile
import CSoxr

/// Versions of the C libraries this target wraps, for `attend --version` and bug reports.
public enum AudioLibraries {
    public static var sndfileVersion: String { String(cString: sf_version_string()) }
    public static var soxrVersion: String { String(cString: soxr_version()) }
}
