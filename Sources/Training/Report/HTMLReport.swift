import Foundation

/// Renders a `TrainingReport` as one self-contained HTML page: inline CSS and inline SVG plots, no
/// scripts, fonts, images or links to fetch, so it opens offline and renders headless
/// (`scripts/training/render-report.sh`).
///
/// Layout: header (model, data, command), the summary table of every section, k-fold mean ± std,
/// learning curves (loss; validation UA), then for the headline (first) section the confusion
/// matrix, per-class precision/recall/F1 bars and the reliability diagram, then the other sections'
/// confusion matrices, and the speaker lists of the split(s).
public enum HTMLReport {
    public static func render(_ report: TrainingReport) -> String {
        let e = SVGChart.escape
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>\(e(report.title))</title>
            <style>
            body { font-family: Helvetica, Arial, sans-serif; margin: 24px; color: #222; max-width: 1160px; }
            h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
            table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
            th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: right; } th { background: #f4f6f8; }
            td.l, th.l { text-align: left; }
            .meta td { text-align: left; } .meta td:first-child { color: #666; white-space: nowrap; }
            .grid { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
            .speakers { font-size: 12px; color: #444; text-align: left; max-width: 900px; }
            code { font-size: 12px; background: #f4f4f4; padding: 1px 4px; }
            .note { color: #8a5a00; font-size: 13px; }
            </style></head><body>
            <h1>\(e(report.title))</h1>
            <table class="meta">
            """
        html += row("created", report.createdAt)
        if let model = report.model {
            html += row("model", "\(model.name) v\(model.version) (\(model.source))")
            html += row("labels", model.labels.joined(separator: ", "))
            html += row("sample rate", "\(model.sampleRate) Hz; temperature \(format(model.temperature))")
        }
        if let data = report.data {
            html += row("data", data.sources.joined(separator: "; "))
            html += row("utterances", "\(data.utterances) from \(data.speakers) speakers — "
                        + data.perCorpus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            html += row("per label", data.perLabel.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            if !data.excluded.isEmpty {
                html += row("excluded", data.excluded.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))
            }
        }
        if let seed = report.seed { html += row("seed", "\(seed)") }
        if let t = report.fittedTemperature { html += row("fitted temperature", format(t)) }
        html += "<tr><td>command</td><td><code>\(e(report.command.joined(separator: " ")))</code></td></tr></table>\n"
        for note in report.notes { html += "<p class=\"note\">\(e(note))</p>\n" }

        // Summary of every section.
        if !report.sections.isEmpty {
            html += "<h2>Results</h2><table><tr><th class=\"l\">evaluation</th><th>n</th><th>UA</th><th>WA</th><th>macro-F1</th><th>NLL</th><th>ECE</th></tr>\n"
            for section in report.sections {
                let m = section.metrics
                html += "<tr><td class=\"l\">\(e(section.name))</td><td>\(m.count)</td><td><b>\(percent(m.unweightedAverageRecall))</b></td><td>\(percent(m.accuracy))</td><td>\(percent(m.macroF1))</td><td>\(format(m.negativeLogLikelihood))</td><td>\(format(m.expectedCalibrationError))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if let heldOut = report.heldOutCorpus { html += heldOutTable(heldOut) }
        if let loco = report.leaveOneCorpusOut { html += leaveOneCorpusOutTable(loco) }
        if let cv = report.crossValidation {
            html += "<h2>Cross-validation (\(cv.folds) folds by speaker, mean ± std)</h2><table><tr><th class=\"l\">metric</th><th>mean</th><th>std</th><th class=\"l\">per fold</th></tr>\n"
            for (name, s) in [("UA", cv.unweightedAverageRecall), ("WA", cv.accuracy), ("macro-F1", cv.macroF1)] {
                html += "<tr><td class=\"l\">\(name)</td><td><b>\(percent(s.mean))</b></td><td>\(percent(s.standardDeviation))</td><td class=\"l\">\(s.values.map(percent).joined(separator: ", "))</td></tr>\n"
            }
            for (name, s) in [("NLL", cv.negativeLogLikelihood), ("ECE", cv.expectedCalibrationError)] {
                html += "<tr><td class=\"l\">\(name)</td><td>\(format(s.mean))</td><td>\(format(s.standardDeviation))</td><td class=\"l\">\(s.values.map(format).joined(separator: ", "))</td></tr>\n"
            }
            html += "</table>\n<div class=\"grid\">"
            html += SVGChart.confusionMatrix(title: "Pooled confusion (all folds)", labels: cv.labels, confusion: cv.pooledConfusion)
            html += SVGChart.groupedBars(title: "Recall per class, mean over folds", labels: cv.labels,
                                         series: [("recall", SVGChart.palette[0], cv.recall.map(\.mean))], yLabel: "recall")
            html += "</div>\n"
        }

        // Learning curves.
        let histories = report.histories.filter { !$0.epochs.isEmpty }
        if !histories.isEmpty {
            var losses: [SVGChart.Series] = [], recalls: [SVGChart.Series] = []
            for (i, history) in histories.enumerated() {
                let color = SVGChart.palette[i % SVGChart.palette.count]
                let name = history.name ?? (histories.count > 1 ? "run \(i + 1)" : "")
                let prefix = name.isEmpty ? "" : name + " "
                losses.append(.init(name: prefix + "train", color: color, points: history.epochs.map { (Double($0.epoch), $0.trainLoss) }))
                losses.append(.init(name: prefix + "validation", color: color, points: history.epochs.map { (Double($0.epoch), $0.validationLoss) }, dashed: true))
                recalls.append(.init(name: prefix.isEmpty ? "validation UA" : name, color: color, points: history.epochs.map { (Double($0.epoch), $0.validationUA) }))
            }
            html += "<h2>Training</h2><div class=\"grid\">"
            html += SVGChart.lineChart(title: "Loss", xLabel: "epoch", yLabel: "cross-entropy (nats)", series: losses)
            html += SVGChart.lineChart(title: "Validation UA", xLabel: "epoch", yLabel: "UA", series: recalls, yRange: 0...1)
            html += "</div>\n<table><tr><th class=\"l\">run</th><th>epochs</th><th>best epoch</th><th>best validation UA</th><th>seconds</th></tr>\n"
            for (i, history) in histories.enumerated() {
                let best = history.bestEpoch
                html += "<tr><td class=\"l\">\(e(history.name ?? "run \(i + 1)"))</td><td>\(history.epochs.count)</td><td>\(best.map { "\($0.epoch)" } ?? "")</td><td>\(best.map { percent($0.validationUA) } ?? "")</td><td>\(String(format: "%.1f", history.epochs.reduce(0) { $0 + $1.seconds }))</td></tr>\n"
            }
            html += "</table>\n"
        }

        // The headline section in full, then the others' confusion matrices.
        if let first = report.sections.first {
            let m = first.metrics
            html += "<h2>\(e(first.name))</h2><div class=\"grid\">"
            html += SVGChart.confusionMatrix(title: "Confusion matrix (rows = true)", labels: m.labels, confusion: m.confusion)
            html += SVGChart.groupedBars(title: "Per-class precision, recall, F1", labels: m.labels, series: [
                ("precision", SVGChart.palette[0], m.perClass.map(\.precision)),
                ("recall", SVGChart.palette[1], m.perClass.map(\.recall)),
                ("F1", SVGChart.palette[2], m.perClass.map(\.f1)),
            ])
            html += SVGChart.reliabilityDiagram(title: "Reliability", bins: m.reliability, ece: m.expectedCalibrationError)
            html += "</div>\n<table><tr><th class=\"l\">class</th><th>support</th><th>precision</th><th>recall</th><th>F1</th></tr>\n"
            for c in m.perClass {
                html += "<tr><td class=\"l\">\(e(c.label))</td><td>\(c.support)</td><td>\(percent(c.precision))</td><td>\(percent(c.recall))</td><td>\(percent(c.f1))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if report.sections.count > 1 {
            html += "<h2>Other evaluations</h2><div class=\"grid\">"
            for section in report.sections.dropFirst() {
                html += SVGChart.confusionMatrix(title: "\(section.name): UA \(percent(section.metrics.unweightedAverageRecall))",
                                                 labels: section.metrics.labels, confusion: section.metrics.confusion, cell: 40)
            }
            html += "</div>\n"
        }

        if !report.splits.isEmpty {
            html += "<h2>Speakers (split by speaker, never by file)</h2><table><tr><th class=\"l\">split</th><th class=\"l\">train</th><th class=\"l\">validation</th><th class=\"l\">test</th></tr>\n"
            for split in report.splits {
                let name = split.fold.map { "fold \($0 + 1)" } ?? "seed \(split.seed)"
                html += "<tr><td class=\"l\">\(e(name))</td>" + [split.train, split.validation, split.test].map {
                    "<td class=\"speakers\">\($0.count): \(e($0.joined(separator: " ")))</td>"
                }.joined() + "</tr>\n"
            }
            html += "</table>\n"
        }
        return html + "</body></html>\n"
    }

    /// Leave one corpus out: UA and WA of the held-out corpus with the full argmax and the argmax over its classes.
    static func heldOutTable(_ heldOut: HeldOutCorpusEvaluation) -> String {
        let e = SVGChart.escape
        var html = "<h2>Leave one corpus out: \(e(heldOut.corpus)) (\(heldOut.utterances) files, \(heldOut.speakers) speakers; trained on \(e(heldOut.trainedOn.joined(separator: ", "))))</h2>"
        html += "<p>Classes of the corpus: \(e(heldOut.clean.classes.joined(separator: ", "))). Full argmax: the model's top-1 over every label; own classes: probabilities renormalised over the corpus's classes.</p>"
        html += "<table><tr><th class=\"l\">channel</th><th>UA full argmax</th><th>UA own classes</th><th>WA full argmax</th><th>WA own classes</th></tr>\n"
        for (channel, m) in heldOut.channels {
            html += "<tr><td class=\"l\">\(channel)</td><td><b>\(percent(m.unweightedAverageRecall))</b></td><td><b>\(percent(m.restrictedArgmax.unweightedAverageRecall))</b></td><td>\(percent(m.accuracy))</td><td>\(percent(m.restrictedArgmax.accuracy))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// Leave one corpus out with this recipe: per held-out corpus and channel, UA and WA over its own
    /// classes and with the full argmax, and ECE over its classes; then the means over corpora.
    static func leaveOneCorpusOutTable(_ summary: LeaveOneCorpusOutSummary) -> String {
        let e = SVGChart.escape
        var html = "<h2>Leave one corpus out, this recipe (each corpus held out in turn: trained on the others, scored on all of it)</h2>"
        html += "<table><tr><th class=\"l\">held out</th><th class=\"l\">channel</th><th>files</th><th>UA own classes</th><th>UA full argmax</th><th>WA own classes</th><th>ECE own classes</th><th>T</th></tr>\n"
        for evaluation in summary.corpora {
            for (channel, m) in evaluation.channels {
                html += "<tr><td class=\"l\">\(e(evaluation.corpus))</td><td class=\"l\">\(channel)</td><td>\(evaluation.utterances)</td><td><b>\(percent(m.restrictedArgmax.unweightedAverageRecall))</b></td><td>\(percent(m.unweightedAverageRecall))</td><td>\(percent(m.restrictedArgmax.accuracy))</td><td>\(format(m.restrictedArgmax.expectedCalibrationError))</td><td>\(format(evaluation.temperature))</td></tr>\n"
            }
        }
        for channel in ["clean", "telephone"] {
            guard let m = summary.mean[channel] else { continue }
            func value(_ key: String, _ show: (Double) -> String) -> String { m[key].map(show) ?? "—" }
            html += "<tr><td class=\"l\"><b>mean of \(summary.corpora.count)</b></td><td class=\"l\">\(channel)</td><td></td><td><b>\(value("ua_restricted_argmax", percent))</b></td><td>\(value("ua_full_argmax", percent))</td><td>\(value("wa_restricted_argmax", percent))</td><td>\(value("ece_restricted_argmax", format))</td><td></td></tr>\n"
        }
        html += "</table>\n"
        if let calibration = summary.unseenCorpusCalibration { html += unseenCorpusCalibrationTable(calibration) }
        return html
    }

    /// Each held-out corpus's ECE at the validation temperature and at the factor chosen on the other
    /// corpora, and the factor the exported model carries.
    static func unseenCorpusCalibrationTable(_ calibration: UnseenCorpusCalibration) -> String {
        var html = "<h3>Calibration for unseen corpora: temperature × \(String(format: "%.2f", calibration.factor)) (chosen on every held-out corpus; each row's factor chosen on the other corpora only)</h3>"
        html += "<table><tr><th class=\"l\">held out</th><th>factor</th><th>ECE before</th><th>ECE after</th><th>NLL before</th><th>NLL after</th></tr>\n"
        for c in calibration.crossFitted {
            html += "<tr><td class=\"l\">\(SVGChart.escape(c.corpus))</td><td>\(String(format: "%.2f", c.factor))</td><td>\(format(c.expectedCalibrationErrorBefore))</td><td><b>\(format(c.expectedCalibrationError))</b></td><td>\(format(c.negativeLogLikelihoodBefore))</td><td>\(format(c.negativeLogLikelihood))</td></tr>\n"
        }
        html += "<tr><td class=\"l\"><b>mean</b></td><td></td><td>\(format(calibration.meanExpectedCalibrationErrorBefore))</td><td><b>\(format(calibration.meanExpectedCalibrationError))</b></td><td></td><td></td></tr>\n"
        return html + "</table>\n"
    }

    private static func row(_ key: String, _ value: String) -> String {
        "<tr><td>\(SVGChart.escape(key))</td><td>\(SVGChart.escape(value))</td></tr>\n"
    }

    static func percent(_ v: Double) -> String { String(format: "%.1f%%", v * 100) }
    static func format(_ v: Double) -> String { String(format: "%.3f", v) }
}
