import Attend
import Dispatch
import Foundation

/// SIGINT and SIGTERM: remove every partial output, then exit 130 / 143. Outputs already
/// renamed into place are complete; nothing half-written remains. SIGPIPE: the default action.
enum Interrupts {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    static func install() {
        guard sources.isEmpty else { return }
        // A closed stdout (`| head`) ends attend quietly by SIGPIPE, like any Unix filter, even
        // when the parent left SIGPIPE ignored: otherwise FileHandle's write traps on EPIPE.
        signal(SIGPIPE, SIG_DFL)
        for (sig, status) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                PartialFiles.removeAll()
                NPYStreamWriter.abandonAll()
                FileHandle.standardError.write(Data("attend: interrupted; partial outputs removed\n".utf8))
                _exit(status)
            }
            source.resume()
            sources.append(source)
        }
    }
}
