import HTTPServer

/// The query parameters of `POST /v1/predict`, validated. Unknown parameters are refused so a typo
/// (`segmnt=5`) is reported instead of silently ignored.
struct PredictionParameters: Equatable {
    enum ChannelMode: String { case split, mix }

    var modelName: String?
    var modelVersion: String?
    var channelMode: ChannelMode = .split
    var roles: [String] = []
    /// 0 = one segment for the whole audio.
    var segmentSeconds: Double = 0
    var hopSeconds: Double?
    var voiceActivityDetection = true

    static let known: Set<String> = ["model", "channels", "roles", "segment", "hop", "vad"]
    /// Shortest segment and hop accepted, seconds, and the most segments one request may ask for.
    static let minimumSegmentSeconds = 0.5
    static let minimumHopSeconds = 0.1
    static let maximumSegments = 20_000

    static func parse(_ request: HTTPRequest) throws(APIError) -> PredictionParameters {
        var p = PredictionParameters()
        for (name, _) in request.query where !known.contains(name) {
            throw APIError(status: 400, code: "invalid_parameter",
                           message: "unknown query parameter '\(name)'; known: \(known.sorted().joined(separator: ", "))")
        }
        if let model = request.queryValue("model") { (p.modelName, p.modelVersion) = try parseModel(model) }
        if let channels = request.queryValue("channels") {
            guard let mode = ChannelMode(rawValue: channels) else { throw .invalidParameter("channels", "must be 'split' or 'mix'") }
            p.channelMode = mode
        }
        if let roles = request.queryValue("roles") { p.roles = try parseRoles(roles) }
        if let segment = request.queryValue("segment") {
            guard let value = Double(segment), value.isFinite, value == 0 || (minimumSegmentSeconds...3600).contains(value) else {
                throw .invalidParameter("segment", "seconds: 0 (whole audio) or from \(minimumSegmentSeconds) to 3600")
            }
            p.segmentSeconds = value
        }
        if let hop = request.queryValue("hop") {
            guard let value = Double(hop), value.isFinite, (minimumHopSeconds...3600).contains(value) else {
                throw .invalidParameter("hop", "seconds from \(minimumHopSeconds) to 3600")
            }
            // A hop means nothing for a single whole-audio segment; it is then ignored.
            p.hopSeconds = p.segmentSeconds > 0 ? value : nil
        }
        if let vad = request.queryValue("vad") {
            switch vad.lowercased() {
            case "true", "1", "yes": p.voiceActivityDetection = true
            case "false", "0", "no": p.voiceActivityDetection = false
            default: throw .invalidParameter("vad", "must be true or false")
            }
        }
        return p
    }

    /// `name` or `name:version` (the one rule of every route that names a model).
    static func parseModel(_ reference: String) throws(APIError) -> (name: String, version: String?) {
        let (name, version) = splitModel(reference)
        guard !name.isEmpty, name.utf8.count <= 200, !name.contains(":") else {
            throw .invalidParameter("model", "give a model name, optionally name:version")
        }
        if let version, version.isEmpty { throw .invalidParameter("model", "the version after ':' is empty") }
        return (name, version)
    }

    /// Channel roles, comma-separated (`agent,customer`).
    static func parseRoles(_ roles: String) throws(APIError) -> [String] {
        let names = roles.split(separator: ",", omittingEmptySubsequences: false).map { String($0) }
        guard names.count <= 64, names.allSatisfy({ (1...64).contains($0.count) }) else {
            throw .invalidParameter("roles", "a comma-separated list of 1-64 character names, e.g. agent,customer")
        }
        return names
    }

    private static func splitModel(_ reference: String) -> (String, String?) {
        guard let colon = reference.lastIndex(of: ":") else { return (reference, nil) }
        return (String(reference[..<colon]), String(reference[reference.index(after: colon)...]))
    }
}
