#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Logging

/// Training progress: on a terminal (`isatty(stderr)`) a single redrawn line with a bar, epoch,
/// batch, running loss, last validation UA and ETA; otherwise one log line per epoch.
public final class ProgressReporter: @unchecked Sendable {
    let logger: Logger
    let interactive: Bool
    let title: String

    public init(title: String, logger: Logger, interactive: Bool = isatty(STDERR_FILENO) != 0) {
        self.title = title
        self.logger = logger
        self.interactive = interactive
    }

    func batch(epoch: Int, epochs: Int, batch: Int, batches: Int, loss: Double, validationUA: Double?, elapsed: Double) {
        guard interactive else { return }
        let done = Double((epoch - 1) * batches + batch) / Double(epochs * batches)
        let eta = done > 0 ? elapsed / done * (1 - done) : 0
        let width = 24
        let filled = Int(Double(width) * done)
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let ua = validationUA.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
        let line = "\(title) [\(bar)] epoch \(epoch)/\(epochs) batch \(batch)/\(batches) loss \(String(format: "%.3f", loss)) val UA \(ua) ETA \(Self.clock(eta))"
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
    }

    func epoch(_ record: EpochRecord, epochs: Int, best: Bool) {
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        logger.info("\(title) epoch \(record.epoch)/\(epochs): loss \(String(format: "%.4f", record.trainLoss)), val loss \(String(format: "%.4f", record.validationLoss)), val UA \(String(format: "%.2f", record.validationUA * 100))%, lr \(String(format: "%.2e", record.learningRate)), \(String(format: "%.1f", record.seconds)) s\(best ? " (best)" : "")")
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
