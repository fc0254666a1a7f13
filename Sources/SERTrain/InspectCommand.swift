import ArgumentParser
import AudioDecoding
import Foundation

/// `ser-train inspect FILE...`: what the service's decoder makes of each file.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Decode audio files exactly as the service does and print their format, or the error it would return.",
        discussion: """
            One line per file: container, encoding, sample rate, channels, duration and peak level,
            or the error code and message the service would answer with.

            Example:
              ser-train inspect call.wav ../shared/data/emodb/03a01Fa.flac
            """)

    @Argument(help: "Audio files (WAV, FLAC, Ogg Vorbis/Opus, AIFF, MP3, ...).")
    var files: [String]

    @Option(help: "Longest audio accepted, seconds (as the server's --max-duration).")
    var maxDuration: Double = 3600

    func run() throws {
        let decoder = AudioDecoder(limits: AudioLimits(maxDurationSeconds: maxDuration))
        var failures = 0
        for path in files {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot read file")
                failures += 1
                continue
            }
            do {
                let audio = try decoder.decode([UInt8](data))
                let peak = audio.channels.map { $0.map(abs).max() ?? 0 }.max() ?? 0
                let peakDB = peak > 0 ? 20 * log10(Double(peak)) : -Double.infinity
                print("\(path): \(audio.source.container)/\(audio.source.encoding), \(audio.source.sampleRate) Hz, "
                    + "\(audio.source.channelCount) ch, \(String(format: "%.3f", audio.durationSeconds)) s, "
                    + "peak \(String(format: "%.1f", peakDB)) dBFS")
            } catch {
                print("\(path): error \(error.code): \(error)")
                failures += 1
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
