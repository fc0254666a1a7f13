import HTTPServer
import Synchronization

/// The service's Prometheus metrics, rendered in the text exposition format (0.0.4) at `/metrics`.
/// Label values are bounded sets (route patterns, not raw paths; status codes; model names), so the
/// series count cannot grow with traffic.
public final class Metrics: Sendable {
    /// Upper bounds of the request-latency histogram, seconds.
    static let latencyBuckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    /// Upper bounds of the audio-duration histogram, seconds.
    static let audioBuckets: [Double] = [1, 3, 10, 30, 60, 180, 600, 1800, 3600]
    /// Upper bounds of the stream segment-latency histogram, seconds.
    static let segmentLatencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5]

    private struct Histogram {
        var buckets: [Int]
        var sum = 0.0
        var count = 0
        init(bounds: Int) { buckets = [Int](repeating: 0, count: bounds) }
        mutating func observe(_ value: Double, bounds: [Double]) {
            for (i, bound) in bounds.enumerated() where value <= bound { buckets[i] += 1 }
            sum += value
            count += 1
        }
    }

    private struct State {
        var requests: [String: Int] = [:]            // "route\u{0}method\u{0}status" -> count
        var latency: [String: Histogram] = [:]       // route -> histogram
        var audio = Histogram(bounds: Metrics.audioBuckets.count)
        var queueRejections = 0
        var modelLoads: [String: Int] = [:]          // result -> count
        var loadedModels: [String] = []              // "name\u{0}version"
        var streamAudioSeconds = 0.0
        var segmentLatency = Histogram(bounds: Metrics.segmentLatencyBuckets.count)
        var streamCloses: [Int: Int] = [:]           // close code -> count
    }

    private let state = Mutex(State())
    private let inFlight = Atomic<Int>(0)

    public init() {}

    func requestStarted() { inFlight.add(1, ordering: .relaxed) }

    func requestFinished(route: String, method: String, status: Int, seconds: Double) {
        inFlight.subtract(1, ordering: .relaxed)
        state.withLock { state in
            state.requests["\(route)\u{0}\(method)\u{0}\(status)", default: 0] += 1
            state.latency[route, default: Histogram(bounds: Self.latencyBuckets.count)].observe(seconds, bounds: Self.latencyBuckets)
        }
    }

    func audioAnalysed(seconds: Double) {
        state.withLock { $0.audio.observe(seconds, bounds: Self.audioBuckets) }
    }

    func queueRejected() { state.withLock { $0.queueRejections += 1 } }

    // MARK: Live streams

    private let openStreams = Atomic<Int>(0)

    func streamOpened() { openStreams.add(1, ordering: .relaxed) }

    /// A stream ended with `closeCode` (1006 when the connection dropped without a close frame).
    func streamClosed(closeCode: Int) {
        openStreams.subtract(1, ordering: .relaxed)
        state.withLock { $0.streamCloses[closeCode, default: 0] += 1 }
    }

    func streamAudioReceived(seconds: Double) { state.withLock { $0.streamAudioSeconds += seconds } }

    /// From the arrival of the audio that completed a segment to its message being sent.
    func segmentSent(latencySeconds: Double) {
        state.withLock { $0.segmentLatency.observe(latencySeconds, bounds: Self.segmentLatencyBuckets) }
    }

    func modelsLoaded(succeeded: Int, failed: Int, current: [(name: String, version: String)]) {
        state.withLock { state in
            state.modelLoads["success", default: 0] += succeeded
            state.modelLoads["failure", default: 0] += failed
            state.loadedModels = current.map { "\($0.name)\u{0}\($0.version)" }.sorted()
        }
    }

    /// The exposition text.
    public func render(predictionsRunning: Int, predictionsQueued: Int) -> String {
        let s = state.withLock { $0 }
        var out = ""
        func line(_ text: String) { out += text + "\n" }
        func labels(_ pairs: [(String, String)]) -> String {
            "{" + pairs.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }

        line("# HELP ser_http_requests_total HTTP requests by route pattern, method and status.")
        line("# TYPE ser_http_requests_total counter")
        for (key, count) in s.requests.sorted(by: { $0.key < $1.key }) {
            let p = key.split(separator: "\u{0}", omittingEmptySubsequences: false).map(String.init)
            line("ser_http_requests_total\(labels([("route", p[0]), ("method", p[1]), ("status", p[2])])) \(count)")
        }
        line("# HELP ser_http_request_duration_seconds Time from the complete request to the response, by route pattern.")
        line("# TYPE ser_http_request_duration_seconds histogram")
        for (route, histogram) in s.latency.sorted(by: { $0.key < $1.key }) {
            Self.histogram(&out, name: "ser_http_request_duration_seconds", labels: [("route", route)], histogram.buckets,
                           bounds: Self.latencyBuckets, sum: histogram.sum, count: histogram.count, render: labels)
        }
        line("# HELP ser_audio_duration_seconds Duration of the audio analysed per prediction.")
        line("# TYPE ser_audio_duration_seconds histogram")
        Self.histogram(&out, name: "ser_audio_duration_seconds", labels: [], s.audio.buckets, bounds: Self.audioBuckets,
                       sum: s.audio.sum, count: s.audio.count, render: labels)
        line("# HELP ser_http_requests_in_flight Requests being handled now.")
        line("# TYPE ser_http_requests_in_flight gauge")
        line("ser_http_requests_in_flight \(inFlight.load(ordering: .relaxed))")
        line("# HELP ser_predictions_running Predictions computing now.")
        line("# TYPE ser_predictions_running gauge")
        line("ser_predictions_running \(predictionsRunning)")
        line("# HELP ser_predictions_queued Predictions waiting for a slot.")
        line("# TYPE ser_predictions_queued gauge")
        line("ser_predictions_queued \(predictionsQueued)")
        line("# HELP ser_queue_rejections_total Predictions refused with 503 because the queue was full or the wait timed out.")
        line("# TYPE ser_queue_rejections_total counter")
        line("ser_queue_rejections_total \(s.queueRejections)")
        line("# HELP ser_streams_open Live streams (/v1/stream) open now.")
        line("# TYPE ser_streams_open gauge")
        line("ser_streams_open \(openStreams.load(ordering: .relaxed))")
        line("# HELP ser_stream_audio_seconds_total Seconds of audio received on live streams.")
        line("# TYPE ser_stream_audio_seconds_total counter")
        line("ser_stream_audio_seconds_total \(s.streamAudioSeconds)")
        line("# HELP ser_stream_segment_latency_seconds From the arrival of the audio that completes a segment to its message being sent.")
        line("# TYPE ser_stream_segment_latency_seconds histogram")
        Self.histogram(&out, name: "ser_stream_segment_latency_seconds", labels: [], s.segmentLatency.buckets, bounds: Self.segmentLatencyBuckets,
                       sum: s.segmentLatency.sum, count: s.segmentLatency.count, render: labels)
        line("# HELP ser_stream_closes_total Live streams ended, by WebSocket close code (1006: the connection dropped).")
        line("# TYPE ser_stream_closes_total counter")
        for (code, count) in s.streamCloses.sorted(by: { $0.key < $1.key }) {
            line("ser_stream_closes_total\(labels([("code", String(code))])) \(count)")
        }
        line("# HELP ser_model_load_events_total Model version loads by result.")
        line("# TYPE ser_model_load_events_total counter")
        for result in ["success", "failure"] {
            line("ser_model_load_events_total\(labels([("result", result)])) \(s.modelLoads[result] ?? 0)")
        }
        line("# HELP ser_model_info Loaded model versions (value 1).")
        line("# TYPE ser_model_info gauge")
        for entry in s.loadedModels {
            let p = entry.split(separator: "\u{0}").map(String.init)
            line("ser_model_info\(labels([("name", p[0]), ("version", p[1])])) 1")
        }
        return out
    }

    private static func histogram(_ out: inout String, name: String, labels base: [(String, String)], _ buckets: [Int], bounds: [Double],
                                  sum: Double, count: Int, render: ([(String, String)]) -> String) {
        for (bound, value) in zip(bounds, buckets) {
            out += "\(name)_bucket\(render(base + [("le", String(bound))])) \(value)\n"
        }
        out += "\(name)_bucket\(render(base + [("le", "+Inf")])) \(count)\n"
        out += "\(name)_sum\(base.isEmpty ? "" : render(base)) \(sum)\n"
        out += "\(name)_count\(base.isEmpty ? "" : render(base)) \(count)\n"
    }

    static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }
}
