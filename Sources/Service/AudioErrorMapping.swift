import AudioDecoding

extension APIError {
    /// The HTTP answer to a decoding failure: 413 for audio over the duration limit, 422 for audio
    /// too short to analyse, 400 for everything the client must fix in the file itself.
    init(_ error: AudioDecodingError) {
        let status = switch error {
        case .tooLong: 413
        case .tooShort: 422
        default: 400
        }
        self.init(status: status, code: error.code, message: error.description)
    }
}
