/// The emotional-speech corpora whose own file naming the readers understand.
public enum Corpus: String, CaseIterable, Codable, Sendable {
    /// RAVDESS (Livingstone & Russo 2018): `Actor_NN/03-01-EE-II-SS-RR-NN.wav`.
    case ravdess
    /// EMO-DB, Berlin Database of Emotional Speech (Burkhardt et al. 2005): `SSTTTEV.wav`.
    case emodb
    /// Toronto Emotional Speech Set: `<SPEAKER>_<emotion>/<SPEAKER>_<word>_<emotion>.wav|.opus`, speakers OAF, YAF.
    case tess
    /// nEMO, Polish emotional speech (Christop 2024): `<SPEAKER>_<emotion>_<n>.wav|.opus`, e.g. `EB0_anger_1`.
    case nemo
    /// CREMA-D (Cao et al. 2014): `1001_DFA_ANG_XX.wav`.
    case cremad
    /// Surrey Audio-Visual Expressed Emotion: `DC_a01.wav` or `DC/a01.wav`.
    case savee

    /// What a corpus file name says: the corpus label, the namespaced speaker and, when the name
    /// or the corpus documentation determines it, the gender.
    public struct FileName: Sendable, Equatable {
        public var label: String
        public var speaker: String
        public var gender: String?
    }

    /// Audio extensions the readers pick up (compared lower-cased): `opus`/`ogg` are Ogg Opus (or
    /// Vorbis), which libsndfile decodes like the rest (the shared TESS and nEMO are stored so).
    public static let audioExtensions: Set<String> = ["wav", "flac", "opus", "ogg"]

    /// Parses a file's path relative to the corpus root (`/`-separated), or nil if the name does not
    /// follow the corpus convention (or is a variant the readers leave out, like RAVDESS song).
    public func parse(relativePath: String) -> FileName? {
        let components = relativePath.split(separator: "/").map(String.init)
        guard let fileName = components.last, let dot = fileName.lastIndex(of: ".") else { return nil }
        let ext = fileName[fileName.index(after: dot)...].lowercased()
        guard Self.audioExtensions.contains(ext) else { return nil }
        let stem = String(fileName[..<dot])
        let parent = components.count >= 2 ? components[components.count - 2] : nil
        switch self {
        case .ravdess: return Self.parseRAVDESS(stem)
        case .emodb: return Self.parseEMODB(stem)
        case .tess: return Self.parseTESS(stem, parent: parent)
        case .nemo: return Self.parseNEMO(stem)
        case .cremad: return Self.parseCREMAD(stem)
        case .savee: return Self.parseSAVEE(stem, parent: parent)
        }
    }

    // MARK: RAVDESS

    static let ravdessEmotions = ["01": "neutral", "02": "calm", "03": "happy", "04": "sad",
                                  "05": "angry", "06": "fearful", "07": "disgust", "08": "surprised"]

    /// `MM-VV-EE-II-SS-RR-AA`: modality (03 audio-only), vocal channel (01 speech; 02 song is left out:
    /// sung emotions are a different task), emotion, intensity, statement, repetition, actor (odd male,
    /// even female).
    static func parseRAVDESS(_ stem: String) -> FileName? {
        let fields = stem.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 7, fields.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        guard fields[1] == "01", let label = ravdessEmotions[fields[2]], let actor = Int(fields[6]), actor >= 1 else { return nil }
        return FileName(label: label, speaker: "ravdess_\(fields[6])", gender: actor % 2 == 1 ? "male" : "female")
    }

    // MARK: EMO-DB

    static let emodbEmotions: [Character: String] = ["W": "anger", "L": "boredom", "E": "disgust", "A": "fear",
                                                     "F": "happiness", "T": "sadness", "N": "neutral"]
    /// Speaker genders from the EMO-DB documentation.
    static let emodbGenders = ["03": "male", "08": "female", "09": "female", "10": "male", "11": "male",
                               "12": "male", "13": "female", "14": "female", "15": "male", "16": "female"]

    /// `SSTTTEV`: speaker (2 digits), text code (3 characters, e.g. `a01`), emotion letter (German
    /// initial), version letter.
    static func parseEMODB(_ stem: String) -> FileName? {
        let chars = Array(stem)
        guard chars.count == 7, chars[0].isASCIIDigit, chars[1].isASCIIDigit,
              chars[2...4].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              let label = emodbEmotions[chars[5]], chars[6].isASCII, chars[6].isLowercase else { return nil }
        let speaker = String(chars[0...1])
        return FileName(label: label, speaker: "emodb_\(speaker)", gender: emodbGenders[speaker])
    }

    // MARK: TESS

    /// TESS emotions as the file names spell them (`ps` is pleasant surprise), each mapped to the name
    /// the corpus's folders (and the shared manifest) use.
    static let tessEmotions = ["angry": "angry", "disgust": "disgust", "fear": "fear", "happy": "happy",
                               "neutral": "neutral", "ps": "pleasant_surprise", "sad": "sad"]
    static let tessSpeakers = ["OAF": "OAF", "OA": "OAF", "YAF": "YAF"]

    /// `<SPEAKER>_<emotion>/<SPEAKER>_<word>_<emotion>`: two female speakers, OAF (older) and YAF
    /// (younger). The speaker comes from the folder when there is one (the release misnames a file
    /// `OA_bite_neutral` inside `OAF_neutral/`), else from the file name (`OA` read as OAF). The label
    /// is the file name's emotion, `ps` spelled out as `pleasant_surprise`. Speaker ids keep the
    /// corpus's upper case (`tess_OAF`), as the shared manifest does.
    static func parseTESS(_ stem: String, parent: String?) -> FileName? {
        let parts = stem.split(separator: "_").map(String.init)
        guard parts.count >= 3, let emotion = tessEmotions[parts[parts.count - 1].lowercased()] else { return nil }
        let folderSpeaker = parent.flatMap { $0.split(separator: "_").first }.flatMap { tessSpeakers[$0.uppercased()] }
        guard let speaker = folderSpeaker ?? tessSpeakers[parts[0].uppercased()] else { return nil }
        return FileName(label: emotion, speaker: "tess_\(speaker)", gender: "female")
    }

    // MARK: nEMO

    static let nemoEmotions: Set<String> = ["anger", "fear", "happiness", "neutral", "sadness", "surprised"]
    /// Speaker genders as the shared data's manifest gives them (4 male, 3 female; speakers not listed
    /// get no gender).
    static let nemoGenders = ["EB0": "female", "IC0": "female", "KD0": "female", "KS0": "male", "SM0": "male",
                              "TP0": "male", "WR0": "male"]

    /// `<SPEAKER>_<emotion>_<n>`: speaker code (two letters and a digit, e.g. `EB0`), emotion (no
    /// disgust in nEMO), utterance number.
    static func parseNEMO(_ stem: String) -> FileName? {
        let parts = stem.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, parts[0].count == 3, parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              nemoEmotions.contains(parts[1].lowercased()),
              !parts[2].isEmpty, parts[2].allSatisfy(\.isASCIIDigit) else { return nil }
        let speaker = parts[0].uppercased()
        return FileName(label: parts[1].lowercased(), speaker: "nemo_\(speaker)", gender: nemoGenders[speaker])
    }

    // MARK: CREMA-D

    static let cremadEmotions = ["ANG": "anger", "DIS": "disgust", "FEA": "fear", "HAP": "happy", "NEU": "neutral", "SAD": "sad"]

    /// `AAAA_SSS_EEE_LL`: actor 1001–1091, sentence code, emotion, level (LO, MD, HI, XX). Gender is
    /// not in the name (it is in `VideoDemographics.csv`, which `CorpusReader` reads when present).
    static func parseCREMAD(_ stem: String) -> FileName? {
        let parts = stem.split(separator: "_", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0].count == 4, let actor = Int(parts[0]), (1001...1091).contains(actor),
              parts[1].count == 3, let label = cremadEmotions[parts[2]], parts[3].count == 2 else { return nil }
        return FileName(label: label, speaker: "cremad_\(actor)", gender: nil)
    }

    // MARK: SAVEE

    static let saveeSpeakers: Set<String> = ["DC", "JE", "JK", "KL"]
    static let saveeEmotions = ["a": "anger", "d": "disgust", "f": "fear", "h": "happiness", "n": "neutral",
                                "sa": "sadness", "su": "surprise"]

    /// `SP_cNN` or `SP/cNN`: speaker (four male speakers DC, JE, JK, KL), emotion code (a, d, f, h,
    /// n, sa, su), sentence number.
    static func parseSAVEE(_ stem: String, parent: String?) -> FileName? {
        var speaker: String?
        var code = stem
        if let underscore = stem.firstIndex(of: "_") {
            speaker = String(stem[..<underscore])
            code = String(stem[stem.index(after: underscore)...])
        } else {
            speaker = parent
        }
        guard let speaker, saveeSpeakers.contains(speaker.uppercased()) else { return nil }
        let letters = String(code.prefix { $0.isLetter })
        let digits = code.dropFirst(letters.count)
        guard digits.count == 2, digits.allSatisfy(\.isASCIIDigit), let label = saveeEmotions[letters] else { return nil }
        return FileName(label: label, speaker: "savee_\(speaker.lowercased())", gender: "male")
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
