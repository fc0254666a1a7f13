import Foundation
import NeuralNet
import Testing
import TestSupport
@testable import Training

/// A report with every part filled: two folds with histories, a telephone section, splits.
func sampleReport() -> TrainingReport {
    let labels = LabelMap.callCentre.labels
    var generator = SeededGenerator(seed: 4)
    func metrics(accuracyBias: Double) -> ClassificationMetrics {
        var truth: [Int] = [], probabilities: [[Float]] = []
        for i in 0..<280 {
            let y = i % labels.count
            var logits = (0..<labels.count).map { _ in Float(generator.gaussian()) }
            logits[y] += Float(accuracyBias)
            truth.append(y)
            probabilities.append(softmax(logits))
        }
        return ClassificationMetrics(labels: labels, truth: truth, probabilities: probabilities)
    }
    let folds = [metrics(accuracyBias: 1.6), metrics(accuracyBias: 1.9)]
    let histories = (1...2).map { fold in
        TrainingHistory(name: "fold \(fold)", epochs: (1...30).map { epoch in
            let t = Double(epoch)
            return EpochRecord(epoch: epoch, trainLoss: 1.9 * exp(-t / 12) + 0.3, validationLoss: 1.9 * exp(-t / 15) + 0.55 + 0.004 * t,
                               validationUA: 0.6 - 0.45 * exp(-t / 8) + 0.01 * Double(fold), learningRate: 1e-3, seconds: 12.5)
        })
    }
    let utterances = syntheticUtterances()
    return TrainingReport(
        title: "SER evaluation <test & report>", command: ["ser-train", "evaluate", "--model", "Models/ser-crnn/1"], seed: 7,
        model: .init(name: "ser-crnn", version: "1", source: "Models/ser-crnn/1/model.safetensors", labels: labels, sampleRate: 16_000, temperature: 1.3),
        data: .init(sources: ["../shared/data/manifest.csv"], utterances: utterances, excluded: ["label dropped by the label map": 81]),
        splits: SpeakerSplit.kFold(utterances, folds: 2, seed: 7),
        sections: [.init(name: "fold 1", metrics: folds[0]), .init(name: "fold 2", metrics: folds[1]),
                   .init(name: "fold 1 (telephone)", metrics: metrics(accuracyBias: 1.2))],
        crossValidation: CrossValidationSummary(folds), fittedTemperature: 1.21, histories: histories,
        notes: ["3 files had no speech and were not scored"])
}

@Suite("Reports")
struct ReportTests {
    @Test func jsonRoundTripsAndListsSpeakers() throws {
        let report = sampleReport()
        let data = try report.jsonData()
        let decoded = try JSONDecoder().decode(TrainingReport.self, from: data)
        #expect(decoded == report)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"validationUA\"") && text.contains("\"pooledConfusion\"") && text.contains("\"test\""))
        #expect(decoded.splits.flatMap(\.test).count == syntheticUtterances().speakers.count)
    }

    @Test func htmlIsSelfContainedAndEscaped() {
        let html = HTMLReport.render(sampleReport())
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        // Plots: pooled confusion, recall bars, loss, UA, confusion, per-class bars, reliability, 2 other confusions.
        #expect(html.components(separatedBy: "<svg ").count - 1 == 9)
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href=") && !html.contains("url("))
        #expect(html.contains("SER evaluation &lt;test &amp; report&gt;"))
        #expect(!html.contains("<test & report>"))
        #expect(html.contains("Cross-validation (2 folds"))
    }

    @Test func niceAxisTicks() {
        let ticks = SVGChart.ticks(0...1)
        #expect(ticks.count == 6 && ticks.first == 0 && abs(ticks.last! - 1) < 1e-12)
        #expect(SVGChart.tickLabel(0.4) == "0.4" && SVGChart.tickLabel(25) == "25")
        #expect(SVGChart.niceRange([0.31, 1.94], fallback: 0...1) == 0.2...2.0)
        #expect(SVGChart.tickStep(27) == 5)
        #expect(SVGChart.heat(0) == "#ffffff" && SVGChart.heat(1) == "#08306b")
    }

    @Test(.enabled(if: Tools.path("chromium") != nil, "chromium is not installed (scripts/setup/setup.sh installs it)"))
    func reportRendersToANonBlankPNG() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ser-report-\(UUID().uuidString)")
        defer { if ProcessInfo.processInfo.environment["SER_KEEP_REPORT"] == nil { try? FileManager.default.removeItem(at: directory) } }
        let (_, html) = try sampleReport().write(to: directory)
        let png = directory.appendingPathComponent("report.png")
        let script = SharedData.repositoryRoot.appendingPathComponent("scripts/training/render-report.sh").path
        try Tools.run("/bin/bash", [script, html.path, png.path])
        let bytes = [UInt8](try Data(contentsOf: png))
        #expect(Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "not a PNG")
        #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
        func be32(_ offset: Int) -> Int { bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        let width = be32(16), height = be32(20)
        #expect((1000...2600).contains(width) && (1500...4000).contains(height), "\(width)×\(height)")
        // A blank page compresses to a few KB; plots, text and colours do not.
        #expect(bytes.count > 20_000, "PNG is only \(bytes.count) bytes")
        #expect(Set(bytes.suffix(from: 100)).count > 200)
    }
}
