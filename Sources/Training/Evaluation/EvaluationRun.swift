import Foundation
import Logging
import Model

/// `ser-train evaluate` as a library call: score a model on labelled utterances (clean and,
/// optionally, through the telephone channel) and build the report (overall, per corpus, per
/// condition).
public struct EvaluationRun: Sendable {
    public var model: EmotionModel
    public var utterances: [Utterance]
    /// Manifests or directories the utterances came from (for the report).
    public var sources: [String]
    /// Also score every file through the telephone channel.
    public var telephone: Bool
    public var threads: Int

    public init(model: EmotionModel, utterances: [Utterance], sources: [String], telephone: Bool = false,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.model = model
        self.utterances = utterances
        self.sources = sources
        self.telephone = telephone
        self.threads = threads
    }

    /// The utterances the model can be scored on (mapped label among its labels), and the counts of
    /// the others by reason.
    public func eligible() -> (utterances: [Utterance], excluded: [String: Int]) {
        var excluded: [String: Int] = [:]
        var kept: [Utterance] = []
        for u in utterances {
            guard let label = u.mappedLabel else { excluded["label dropped by the label map", default: 0] += 1; continue }
            guard model.labels.contains(label) else { excluded["label '\(label)' is not a model label", default: 0] += 1; continue }
            kept.append(u)
        }
        return (kept, excluded)
    }

    /// Scores and reports.
    public func run(command: [String] = CommandLine.arguments, logger: Logger? = nil) -> TrainingReport {
        let (kept, excluded) = eligible()
        var sections: [TrainingReport.Section] = []
        var notes: [String] = []
        var conditions: [(String, Bool)] = [("clean", false)]
        if telephone { conditions.append(("telephone", true)) }
        for (condition, isTelephone) in conditions {
            logger?.info("scoring", metadata: ["condition": "\(condition)", "files": "\(kept.count)"])
            let scored = UtteranceScorer(model: model, telephone: isTelephone).score(kept, threads: threads, logger: logger)
            let failures = scored.filter { $0.failure != nil }.count
            let silent = scored.filter { $0.failure == nil && $0.probabilities == nil }.count
            if failures > 0 { notes.append("\(condition): \(failures) files failed to decode or score and are not counted") }
            if silent > 0 { notes.append("\(condition): \(silent) files had no detected speech and are not counted") }
            let usable = scored.filter { $0.probabilities != nil }
            guard !usable.isEmpty else { notes.append("\(condition): nothing could be scored"); continue }
            let suffix = conditions.count > 1 ? " (\(condition))" : ""
            sections.append(.init(name: "all\(suffix)", metrics: metrics(usable)))
            let corpora = Set(usable.map(\.utterance.corpus)).sorted()
            if corpora.count > 1 {
                for corpus in corpora {
                    sections.append(.init(name: "\(corpus)\(suffix)", metrics: metrics(usable.filter { $0.utterance.corpus == corpus })))
                }
            }
            sections += ownClassSections(usable, suffix: suffix)
        }
        // Headline first: the clean overall section already is.
        return TrainingReport(
            title: "Evaluation of \(model.name) v\(model.version)", command: command,
            model: .init(name: model.name, version: model.version, source: model.source, labels: model.labels,
                         sampleRate: model.sampleRate, temperature: model.manifest.temperature),
            data: .init(sources: sources, utterances: kept, excluded: excluded),
            sections: sections, notes: notes)
    }

    /// Per corpus that lacks some model classes (nEMO: disgust): its utterances scored with the argmax
    /// restricted to its classes (probabilities renormalised over them; `SubsetMetrics`), next to the
    /// full-argmax figures of the other sections.
    func ownClassSections(_ scored: [ScoredUtterance], suffix: String) -> [TrainingReport.Section] {
        let utterances = scored.map(\.utterance)
        let corpusClasses = CorpusClasses(utterances, labelMap: LabelMap(labels: model.labels))
        let byCorpus = SubsetMetrics.byCorpus(
            labels: model.labels, corpora: utterances.map(\.corpus),
            truth: utterances.map { model.labels.firstIndex(of: $0.mappedLabel!)! }, probabilities: scored.map { $0.probabilities! },
            corpusClasses: corpusClasses)
        return byCorpus.keys.sorted().compactMap { corpus in
            guard let subset = byCorpus[corpus], subset.classes.count < model.labels.count else { return nil }
            return .init(name: "\(corpus)\(suffix), argmax over its classes", metrics: subset.restrictedArgmax)
        }
    }

    /// Metrics of scored utterances against their mapped labels.
    func metrics(_ scored: [ScoredUtterance]) -> ClassificationMetrics {
        ClassificationMetrics(labels: model.labels,
                              truth: scored.map { model.labels.firstIndex(of: $0.utterance.mappedLabel!)! },
                              probabilities: scored.map { $0.probabilities! })
    }
}
