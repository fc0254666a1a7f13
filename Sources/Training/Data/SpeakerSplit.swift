/// A speaker-disjoint partition of a data set into train, validation and test speakers.
///
/// Splits are always by speaker (never by file): a model evaluated on speakers it trained on
/// overestimates accuracy badly in emotion recognition. Codable so the report and the model's
/// provenance can list exactly which speakers were held out.
public struct SpeakerSplit: Codable, Sendable, Equatable {
    /// The seed the split was drawn with.
    public var seed: UInt64
    /// Fold number (0-based) for k-fold splits, nil for a single split.
    public var fold: Int?
    /// Speaker ids (namespaced, sorted) per part.
    public var train: [String]
    public var validation: [String]
    public var test: [String]

    public init(seed: UInt64, fold: Int? = nil, train: [String], validation: [String], test: [String]) {
        self.seed = seed
        self.fold = fold
        self.train = train.sorted()
        self.validation = validation.sorted()
        self.test = test.sorted()
    }

    /// The part `speaker` belongs to, or nil.
    public func part(of speaker: String) -> Part? {
        if train.contains(speaker) { return .train }
        if validation.contains(speaker) { return .validation }
        if test.contains(speaker) { return .test }
        return nil
    }

    public enum Part: String, Codable, Sendable, CaseIterable { case train, validation, test }

    /// Speakers of one part.
    public func speakers(_ part: Part) -> [String] {
        switch part {
        case .train: train
        case .validation: validation
        case .test: test
        }
    }

    /// The utterances of one part (utterances of speakers not in the split are left out).
    public func utterances(_ part: Part, from utterances: [Utterance]) -> [Utterance] {
        utterances.spoken(by: speakers(part))
    }

    // MARK: Drawing splits

    /// A stratified speaker split: speakers are grouped by (corpus, gender), each group is shuffled
    /// with `seed` and cut by the fractions, so every part gets speakers of each corpus and gender
    /// where the group is large enough. Per group of `n` speakers: test gets `round(n·testFraction)`
    /// and validation `round(n·validationFraction)`, each at least 1 when `n ≥ 3`; a group of 2
    /// gives 1 test speaker (when `testFraction > 0`) and 1 train speaker; a lone speaker trains.
    public static func stratified(_ utterances: [Utterance], seed: UInt64, validationFraction: Double = 0.15,
                                  testFraction: Double = 0.15) -> SpeakerSplit {
        precondition(validationFraction >= 0 && testFraction >= 0 && validationFraction + testFraction < 1,
                     "split fractions must be non-negative and sum to less than 1")
        var generator = SeededGenerator(seed: seed)
        var train: [String] = [], validation: [String] = [], test: [String] = []
        for group in strata(utterances) {
            let shuffled = generator.shuffled(group)
            let (testCount, validationCount) = allocation(shuffled.count, validation: validationFraction, test: testFraction)
            test += shuffled.prefix(testCount)
            validation += shuffled.dropFirst(testCount).prefix(validationCount)
            train += shuffled.dropFirst(testCount + validationCount)
        }
        return SpeakerSplit(seed: seed, train: train, validation: validation, test: test)
    }

    /// K-fold cross-validation by speaker: every speaker is in the test part of exactly one fold.
    /// Speakers are dealt round-robin into folds group by group ((corpus, gender) strata, each
    /// shuffled with `seed`, the dealing continuing across groups), so folds differ in size by at most
    /// one speaker and mix corpora and genders. In each fold, validation speakers are drawn from the
    /// remaining speakers, stratified the same way, `validationFraction` of each group.
    public static func kFold(_ utterances: [Utterance], folds k: Int, seed: UInt64,
                             validationFraction: Double = 0.15) -> [SpeakerSplit] {
        let groups = strata(utterances)
        let speakerCount = groups.reduce(0) { $0 + $1.count }
        precondition(k >= 2 && k <= speakerCount, "k-fold needs 2 ≤ k ≤ \(speakerCount) (the number of speakers)")
        var generator = SeededGenerator(seed: seed)
        var testFolds = [[String]](repeating: [], count: k)
        var next = 0
        for group in groups {
            for speaker in generator.shuffled(group) {
                testFolds[next % k].append(speaker)
                next += 1
            }
        }
        return testFolds.enumerated().map { fold, testSpeakers in
            let held = Set(testSpeakers)
            var foldGenerator = SeededGenerator(seed: seed, streams: UInt64(fold + 1))
            var train: [String] = [], validation: [String] = []
            for group in groups {
                let remaining = foldGenerator.shuffled(group.filter { !held.contains($0) })
                let count = remaining.count >= 2 && validationFraction > 0
                    ? min(remaining.count - 1, max(1, Int((Double(remaining.count) * validationFraction).rounded()))) : 0
                validation += remaining.prefix(count)
                train += remaining.dropFirst(count)
            }
            return SpeakerSplit(seed: seed, fold: fold, train: train, validation: validation, test: testSpeakers)
        }
    }

    /// Speakers grouped by (corpus, gender), groups and members sorted so the result depends only on
    /// the set of speakers, never on file order.
    static func strata(_ utterances: [Utterance]) -> [[String]] {
        var groups: [String: Set<String>] = [:]
        for utterance in utterances {
            groups["\(utterance.corpus)|\(utterance.gender ?? "unknown")", default: []].insert(utterance.speaker)
        }
        // A speaker listed with two genders (a manifest typo) must still land in one group only.
        var seen = Set<String>()
        return groups.keys.sorted().map { key in
            let members = groups[key]!.subtracting(seen).sorted()
            seen.formUnion(members)
            return members
        }.filter { !$0.isEmpty }
    }

    /// (test, validation) speaker counts for a group of `n`.
    static func allocation(_ n: Int, validation: Double, test: Double) -> (Int, Int) {
        switch n {
        case 0, 1: return (0, 0)
        case 2: return (test > 0 ? 1 : 0, test > 0 || validation <= 0 ? 0 : 1)
        default:
            var testCount = test > 0 ? max(1, Int((Double(n) * test).rounded())) : 0
            var validationCount = validation > 0 ? max(1, Int((Double(n) * validation).rounded())) : 0
            // Always leave at least one training speaker.
            while testCount + validationCount > n - 1 {
                if validationCount >= testCount, validationCount > 0 { validationCount -= 1 } else { testCount -= 1 }
            }
            return (testCount, validationCount)
        }
    }
}
