import AudioDecoding
import Dispatch
import Foundation
import Logging
import Analysis
import Model
import Synchronization

/// The model's probabilities for one utterance, or why there are none.
public struct ScoredUtterance: Sendable {
    public var utterance: Utterance
    /// In the model's label order; nil when the file failed or held no speech.
    public var probabilities: [Float]?
    /// Decoding or network error, nil on success (no speech is not an error: `probabilities` is nil).
    public var failure: String?
}

/// Scores utterances exactly as the service does: decode the file (`AudioDecoder`), resample to the
/// model's rate, mix to mono, optionally pass through the telephone channel, and run
/// `InferenceSession.analyze` with one segment over the whole file and voice-activity detection on
/// (the `/v1/predict` defaults), taking the overall estimate.
public struct UtteranceScorer: Sendable {
    public let model: EmotionModel
    /// Pass each file through `TelephoneChannel` before scoring.
    public let telephone: Bool
    public let options: AnalysisOptions
    let decoder = AudioDecoder(limits: AudioLimits(maxDurationSeconds: 3600))

    public init(model: EmotionModel, telephone: Bool = false, options: AnalysisOptions = AnalysisOptions(segmentSeconds: 0, voiceActivityDetection: true)) {
        self.model = model
        self.telephone = telephone
        self.options = options
    }

    /// Scores one utterance.
    public func score(_ utterance: Utterance) -> ScoredUtterance {
        guard let data = FileManager.default.contents(atPath: utterance.path) else {
            return ScoredUtterance(utterance: utterance, probabilities: nil, failure: "cannot read \(utterance.path)")
        }
        do {
            var samples = try decoder.decode([UInt8](data), resamplingTo: model.sampleRate).mixdown()
            if telephone { samples = TelephoneChannel(sampleRate: model.sampleRate).apply(samples) }
            let analysis = try model.withSession { session in try session.analyze(samples, options: options) }
            return ScoredUtterance(utterance: utterance, probabilities: analysis.overall.probabilities, failure: nil)
        } catch {
            return ScoredUtterance(utterance: utterance, probabilities: nil, failure: "\(error)")
        }
    }

    /// Scores every utterance on `threads` threads; results are in input order.
    public func score(_ utterances: [Utterance], threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                      logger: Logger? = nil) -> [ScoredUtterance] {
        let next = Mutex(0)
        let results = Mutex([ScoredUtterance?](repeating: nil, count: utterances.count))
        let workers = max(1, min(threads, utterances.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index: Int = next.withLock { value in
                    defer { value += 1 }
                    return value
                }
                guard index < utterances.count else { return }
                let scored = score(utterances[index])
                if let failure = scored.failure {
                    logger?.warning("file not scored", metadata: ["path": "\(utterances[index].path)", "error": "\(failure)"])
                }
                results.withLock { $0[index] = scored }
                if (index + 1) % 100 == 0 { logger?.info("scored", metadata: ["files": "\(index + 1)/\(utterances.count)"]) }
            }
        }
        return results.withLock { $0.map { $0! } }
    }
}
