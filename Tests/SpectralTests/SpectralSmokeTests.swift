import Testing
@testable import Spectral

@Test func SpectralModuleLoads() {
    #expect(Bool(true))
}
