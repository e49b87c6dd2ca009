import CBLAS

/// Version/config of the BLAS this target wraps.
public enum EngineLibraries {
    public static var blasConfig: String { String(cString: openblas_get_config()) }
}
