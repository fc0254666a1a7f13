import Analysis
import AudioDecoding
import WebSocket
import Model

/// The audio side of a configured stream: bytes in the client's encoding -> samples per channel ->
/// the model's rate -> the incremental analysis, which reports segments as they complete.
final class LiveAudio {
    let model: EmotionModel
    let parameters: StreamParameters
    private var decoder: RawAudioDecoder
    /// One per channel when the client's rate is not the model's.
    private let resamplers: [StreamingResampler]?
    let analysis: IncrementalAnalysis
    /// Frames received, at the client's rate.
    private(set) var receivedFrames = 0

    init(model: EmotionModel, parameters: StreamParameters, slots: ScoringSlots) throws(StreamFailure) {
        self.model = model
        self.parameters = parameters
        decoder = RawAudioDecoder(encoding: parameters.encoding, channelCount: parameters.channels)
        resamplers = parameters.sampleRate == model.sampleRate ? nil
            : (0..<parameters.channels).map { _ in StreamingResampler(from: parameters.sampleRate, to: model.sampleRate) }
        let options = AnalysisOptions(segmentSeconds: parameters.segmentSeconds, hopSeconds: parameters.hopSeconds)
        do throws(AnalysisError) {
            analysis = try IncrementalAnalysis(model: model, channels: parameters.channels, options: options, slots: slots)
        } catch {
            throw StreamFailure(analysis: error)
        }
    }

    /// Seconds of audio received.
    var receivedSeconds: Double { Double(receivedFrames) / Double(parameters.sampleRate) }

    /// Bytes of an incomplete sample frame held back for the next message.
    var pendingBytes: Int { decoder.pendingBytes }

    /// Decodes and analyses one binary message; returns the segments it completed.
    func append(_ bytes: [UInt8]) throws(StreamFailure) -> [SegmentUpdate] {
        let samples: [[Float]]
        do throws(AudioDecodingError) {
            samples = try decoder.decode(bytes)
        } catch {
            throw StreamFailure(code: error.code, message: error.description, close: .invalidPayload)
        }
        receivedFrames += samples[0].count
        return try analyse(resamplers.map { r in zip(r, samples).map { $0.process($1) } } ?? samples)
    }

    /// Ends the audio: the resamplers' tails, then the rest of the timeline and the whole analysis.
    func finish() throws(StreamFailure) -> (updates: [SegmentUpdate], analysis: SourceAnalysis) {
        var updates: [SegmentUpdate] = []
        if let resamplers { updates = try analyse(resamplers.map { $0.finish() }) }
        do throws(AnalysisError) {
            let (last, result) = try analysis.finish()
            return (updates + last, result)
        } catch {
            throw StreamFailure(analysis: error)
        }
    }

    private func analyse(_ block: [[Float]]) throws(StreamFailure) -> [SegmentUpdate] {
        // The resamplers of equal inputs give equal lengths; the shortest is used all the same.
        let count = block.map(\.count).min() ?? 0
        guard count > 0 else { return [] }
        do throws(AnalysisError) {
            return try analysis.append(block.map { $0.count == count ? $0 : Array($0.prefix(count)) })
        } catch {
            throw StreamFailure(analysis: error)
        }
    }
}
