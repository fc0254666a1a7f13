import Foundation
import Testing
import TestSupport
@testable import Training

@Suite("Corpus file naming")
struct CorpusNamingTests {
    @Test func ravdessSpeechFileGivesEmotionActorAndGender() throws {
        let name = try #require(Corpus.ravdess.parse(relativePath: "Actor_07/03-01-06-02-01-02-07.wav"))
        #expect(name == Corpus.FileName(label: "fearful", speaker: "ravdess_07", gender: "male"))
        let female = try #require(Corpus.ravdess.parse(relativePath: "Actor_12/03-01-02-01-01-01-12.flac"))
        #expect(female.label == "calm" && female.gender == "female" && female.speaker == "ravdess_12")
    }

    @Test func ravdessRejectsSongAndMalformedNames() {
        #expect(Corpus.ravdess.parse(relativePath: "Actor_01/03-02-03-01-01-01-01.wav") == nil)  // song
        #expect(Corpus.ravdess.parse(relativePath: "Actor_01/03-01-09-01-01-01-01.wav") == nil)  // no emotion 09
        #expect(Corpus.ravdess.parse(relativePath: "Actor_01/03-01-03-01-01-01.wav") == nil)     // 6 fields
        #expect(Corpus.ravdess.parse(relativePath: "Actor_01/03-01-03-01-01-01-01.mp4") == nil)
    }

    @Test func emodbLettersAndSpeakers() throws {
        let cases: [(String, String)] = [("03a01Wa", "anger"), ("08b02La", "boredom"), ("09a05Ec", "disgust"),
                                         ("10a07Ab", "fear"), ("11b03Fd", "happiness"), ("13a04Ta", "sadness"),
                                         ("16b10Nb", "neutral")]
        for (stem, label) in cases {
            let name = try #require(Corpus.emodb.parse(relativePath: "wav/\(stem).wav"))
            #expect(name.label == label)
            #expect(name.speaker == "emodb_\(stem.prefix(2))")
        }
        #expect(Corpus.emodb.parse(relativePath: "03a01Wa.flac")?.gender == "male")
        #expect(Corpus.emodb.parse(relativePath: "08a01Wa.flac")?.gender == "female")
        #expect(Corpus.emodb.parse(relativePath: "03a01Xa.wav") == nil)
        #expect(Corpus.emodb.parse(relativePath: "03a01W.wav") == nil)
    }

    @Test func tessSpeakerFromTheFolderAndPleasantSurpriseSpelledOut() throws {
        let ps = try #require(Corpus.tess.parse(relativePath: "YAF_pleasant_surprise/YAF_back_ps.opus"))
        #expect(ps == Corpus.FileName(label: "pleasant_surprise", speaker: "tess_YAF", gender: "female"))
        #expect(Corpus.tess.parse(relativePath: "OAF_Fear/OAF_bite_fear.wav")?.speaker == "tess_OAF")
        // The release's misnamed file: the folder says OAF.
        #expect(Corpus.tess.parse(relativePath: "tess/OAF_neutral/OA_bite_neutral.opus")
            == Corpus.FileName(label: "neutral", speaker: "tess_OAF", gender: "female"))
        #expect(Corpus.tess.parse(relativePath: "OA_bite_neutral.ogg")?.speaker == "tess_OAF")
        #expect(Corpus.tess.parse(relativePath: "XAF_bite_neutral.wav") == nil)
        #expect(Corpus.tess.parse(relativePath: "OAF_bite_bored.wav") == nil)
        #expect(Corpus.tess.parse(relativePath: "OAF_bite_fear.mp4") == nil)
    }

    @Test func nemoSpeakerEmotionAndNumber() throws {
        let name = try #require(Corpus.nemo.parse(relativePath: "nemo/EB0_anger_1.opus"))
        #expect(name == Corpus.FileName(label: "anger", speaker: "nemo_EB0", gender: "female"))
        #expect(Corpus.nemo.parse(relativePath: "WR0_surprised_312.ogg") == Corpus.FileName(label: "surprised", speaker: "nemo_WR0", gender: "male"))
        #expect(Corpus.nemo.parse(relativePath: "ZZ9_fear_3.wav")?.gender == nil)  // a speaker not documented here
        #expect(Corpus.nemo.parse(relativePath: "EB0_disgust_1.opus") == nil)      // nEMO has no disgust
        #expect(Corpus.nemo.parse(relativePath: "EB0_anger_x.opus") == nil)
        #expect(Corpus.nemo.parse(relativePath: "EB0_anger.opus") == nil)
    }

    @Test func cremadActorsAndCodes() throws {
        let name = try #require(Corpus.cremad.parse(relativePath: "AudioWAV/1001_DFA_ANG_XX.wav"))
        #expect(name == Corpus.FileName(label: "anger", speaker: "cremad_1001", gender: nil))
        #expect(Corpus.cremad.parse(relativePath: "1091_IEO_HAP_HI.wav")?.label == "happy")
        #expect(Corpus.cremad.parse(relativePath: "1092_IEO_HAP_HI.wav") == nil)
        #expect(Corpus.cremad.parse(relativePath: "1001_IEO_BOR_HI.wav") == nil)
    }

    @Test func saveeBothLayouts() throws {
        #expect(Corpus.savee.parse(relativePath: "AudioData/DC_a01.wav")
            == Corpus.FileName(label: "anger", speaker: "savee_dc", gender: "male"))
        #expect(Corpus.savee.parse(relativePath: "AudioData/JK/sa03.wav")?.label == "sadness")
        #expect(Corpus.savee.parse(relativePath: "AudioData/JK/su15.wav")?.label == "surprise")
        #expect(Corpus.savee.parse(relativePath: "KL_n30.wav")?.speaker == "savee_kl")
        #expect(Corpus.savee.parse(relativePath: "AudioData/XX/a01.wav") == nil)
        #expect(Corpus.savee.parse(relativePath: "DC_x01.wav") == nil)
    }
}

@Suite("Label map")
struct LabelMapTests {
    @Test func callCentreMapsEveryCorpusVocabulary() {
        let map = LabelMap.callCentre
        #expect(map.validationErrors().isEmpty)
        let expected: [(String, String, String?)] = [
            ("calm", "ravdess", "neutral"), ("fearful", "ravdess", "fear"), ("surprised", "ravdess", "surprise"),
            ("anger", "emodb", "angry"), ("happiness", "emodb", "happy"), ("sadness", "emodb", "sad"),
            ("boredom", "emodb", nil), ("ps", "tess", "surprise"), ("disgust", "cremad", "disgust"),
            ("neutral", "savee", "neutral"), ("Angry", "tess", "angry"), ("frustrated", "custom", nil),
            ("pleasant_surprise", "tess", "surprise"), ("sad", "tess", "sad"), ("anger", "nemo", "angry"),
            ("happiness", "nemo", "happy"), ("sadness", "nemo", "sad"), ("surprised", "nemo", "surprise"),
            ("fear", "nemo", "fear"), ("neutral", "nemo", "neutral"),
        ]
        for (label, corpus, model) in expected {
            #expect(map.modelLabel(for: label, corpus: corpus) == model, "\(corpus) \(label)")
        }
    }

    @Test func corpusOverridesWinAndEmptyMeansDrop() throws {
        let json = #"{"labels":["neg","neu","pos"],"map":{"anger":"neg","neutral":"neu","happiness":"pos"},"drop":["boredom"],"corpusOverrides":{"ravdess":{"calm":"neu","surprised":""}}}"#
        let map = try JSONDecoder().decode(LabelMap.self, from: Data(json.utf8))
        #expect(map.modelLabel(for: "calm", corpus: "ravdess") == "neu")
        #expect(map.modelLabel(for: "calm", corpus: "emodb") == nil)
        #expect(map.modelLabel(for: "surprised", corpus: "ravdess") == nil)
        #expect(map.modelLabel(for: "Anger", corpus: "emodb") == "neg")
        let roundTrip = try JSONDecoder().decode(LabelMap.self, from: JSONEncoder().encode(map))
        #expect(roundTrip == map)
    }

    @Test func validationFindsTargetsOutsideTheLabels() {
        let map = LabelMap(labels: ["a", "b"], map: ["x": "c"], corpusOverrides: ["k": ["y": "d"]])
        #expect(map.validationErrors().count == 2)
    }
}

@Suite("Manifest and corpus readers")
struct DataReaderTests {
    @Test func manifestColumnsByHeaderRelativePathsAndNamespacedSpeakers() throws {
        let text = """
            label,extra,Path,speaker,gender,duration_s
            anger,"x, y",calls/a.wav,agent7,Female,2.5
            "neutral",,/abs/b.flac,agent7,,
            boredom,,c.wav,emodb_03,male,1

            """
        let base = URL(fileURLWithPath: "/data/mine")
        let rows = try ManifestReader.parse(text, baseDirectory: base, defaultCorpus: "calls")
        #expect(rows.count == 3)
        #expect(rows[0] == Utterance(path: "/data/mine/calls/a.wav", corpus: "calls", originalLabel: "anger",
                                     mappedLabel: "angry", speaker: "calls_agent7", gender: "female", durationSeconds: 2.5))
        #expect(rows[1].path == "/abs/b.flac" && rows[1].gender == nil && rows[1].durationSeconds == nil)
        #expect(rows[2].mappedLabel == nil && rows[2].speaker == "calls_emodb_03")
        #expect(rows.labelled.count == 2)
    }

    @Test func manifestErrorsNameTheProblem() {
        let base = URL(fileURLWithPath: "/")
        #expect(throws: DatasetError.missingColumn("speaker", manifest: "manifest.csv")) {
            try ManifestReader.parse("path,label\na.wav,angry\n", baseDirectory: base)
        }
        #expect(throws: DatasetError.malformedManifest(line: 3, reason: "empty speaker for b.wav")) {
            try ManifestReader.parse("path,label,speaker\na.wav,angry,s1\nb.wav,sad,\n", baseDirectory: base)
        }
        #expect(throws: DatasetError.malformedManifest(line: 2, reason: "unterminated quoted field")) {
            try ManifestReader.parse("path,label,speaker\n\"a.wav,angry,s1\n", baseDirectory: base)
        }
    }

    @Test func csvQuotedNewlinesAndEscapedQuotes() throws {
        let table = try CSVTable(parsing: "\u{FEFF}a,b\r\n\"x\"\"y\",\"1\n2\"\r\nlast,\n")
        #expect(table.header == ["a", "b"])
        #expect(table.rows.map(\.fields) == [["x\"y", "1\n2"], ["last", ""]])
        #expect(table.rows.map(\.line) == [2, 4])
    }

    @Test func directoryReaderSkipsForeignFilesAndSorts() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ser-reader-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let files = ["Actor_02/03-01-05-01-01-01-02.wav", "Actor_01/03-01-02-01-01-01-01.flac",
                     "Actor_01/03-02-02-01-01-01-01.wav", "Actor_01/readme.txt", "Actor_01/notes.wav"]
        for file in files {
            let url = root.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data([0]).write(to: url)
        }
        let rows = try CorpusReader.read(.ravdess, directory: root)
        #expect(rows.map(\.speaker) == ["ravdess_01", "ravdess_02"])
        #expect(rows.map(\.mappedLabel) == ["neutral", "angry"])
        #expect(rows[0].path.hasSuffix("Actor_01/03-01-02-01-01-01-01.flac"))
        #expect(throws: DatasetError.self) { try CorpusReader.read(.emodb, directory: root) }
    }

    @Test func cremadGendersFromDemographics() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ser-cremad-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let audio = root.appendingPathComponent("AudioWAV")
        try FileManager.default.createDirectory(at: audio, withIntermediateDirectories: true)
        try Data([0]).write(to: audio.appendingPathComponent("1001_DFA_ANG_XX.wav"))
        try Data([0]).write(to: audio.appendingPathComponent("1002_DFA_SAD_XX.wav"))
        try Data("ActorID,Age,Sex,Race,Ethnicity\n1001,51,Male,Caucasian,Not Hispanic\n1002,21,Female,Caucasian,Not Hispanic\n".utf8)
            .write(to: root.appendingPathComponent("VideoDemographics.csv"))
        let rows = try CorpusReader.read(.cremad, directory: audio)
        #expect(rows.map(\.gender) == ["male", "female"])
    }

    @Test(.enabled(if: SharedData.directory != nil, Comment(rawValue: SharedData.skipMessage)))
    func sharedDataReadersAgreeWithTheManifest() throws {
        let data = try #require(SharedData.directory)
        let manifest = try ManifestReader.read(contentsOf: data.appendingPathComponent("manifest.csv"))
        let byPath = Dictionary(uniqueKeysWithValues: manifest.map { ($0.path, $0) })
        let expected: [(Corpus, files: Int, speakers: Int)] = [(.ravdess, 1200, 20), (.emodb, 408, 8), (.tess, 2798, 2), (.nemo, 3775, 7)]
        var read = 0
        for (corpus, files, speakers) in expected {
            let utterances = try CorpusReader.read(corpus, directory: data.appendingPathComponent(corpus.rawValue))
            read += utterances.count
            #expect(utterances.count == files && utterances.speakers.count == speakers, "\(corpus)")
            #expect(manifest.filter { $0.corpus == corpus.rawValue }.count == files, "\(corpus)")
            // Names parsed from the files must agree with the manifest row for row.
            for utterance in utterances {
                let row = try #require(byPath[utterance.path], "\(utterance.path) not in the manifest")
                #expect(row.corpus == utterance.corpus && row.originalLabel == utterance.originalLabel
                        && row.speaker == utterance.speaker && row.gender == utterance.gender
                        && row.mappedLabel == utterance.mappedLabel, "\(utterance.path)")
            }
        }
        #expect(read == manifest.count, "every manifest row is a file the readers find")
        // Every label maps, except EMO-DB boredom (dropped); RAVDESS calm maps to neutral.
        let unmapped = Set(manifest.filter { $0.mappedLabel == nil }.map { "\($0.corpus)/\($0.originalLabel)" })
        #expect(unmapped == ["emodb/boredom"])
        #expect(manifest.filter { $0.originalLabel == "calm" }.allSatisfy { $0.mappedLabel == "neutral" })
        #expect(Set(manifest.labelled.compactMap(\.mappedLabel)) == Set(LabelMap.callCentre.labels))
    }

    @Test(.enabled(if: SharedData.directory != nil, Comment(rawValue: SharedData.skipMessage)))
    func sharedCorporaLackExactlyTheClassesTheyDoNotRecord() throws {
        let data = try #require(SharedData.directory)
        let manifest = try ManifestReader.read(contentsOf: data.appendingPathComponent("manifest.csv")).labelled
        let classes = CorpusClasses(manifest, labelMap: .callCentre)
        let labels = LabelMap.callCentre.labels
        func missing(_ corpus: String) -> [String] { labels.indices.filter { !classes.mask(of: corpus)[$0] }.map { labels[$0] } }
        #expect(missing("ravdess") == [] && missing("tess") == [])
        #expect(missing("emodb") == ["surprise"])
        #expect(missing("nemo") == ["disgust"])
    }
}
