/// Frame counts of a detector against the reference.
struct Counts {
    var truePositive = 0, falsePositive = 0, falseNegative = 0, trueNegative = 0

    mutating func add(decisions: [Bool], reference: [Bool]) {
        precondition(decisions.count == reference.count, "frame counts differ: \(decisions.count) vs \(reference.count)")
        for (d, r) in zip(decisions, reference) {
            switch (d, r) {
            case (true, true): truePositive += 1
            case (true, false): falsePositive += 1
            case (false, true): falseNegative += 1
            case (false, false): trueNegative += 1
            }
        }
    }

    var precision: Double { Double(truePositive) / Double(max(1, truePositive + falsePositive)) }
    var recall: Double { Double(truePositive) / Double(max(1, truePositive + falseNegative)) }
    var f1: Double { 2 * Double(truePositive) / Double(max(1, 2 * truePositive + falsePositive + falseNegative)) }
    /// Share of non-speech frames called speech.
    var falseAlarmRate: Double { Double(falsePositive) / Double(max(1, falsePositive + trueNegative)) }
}

/// Seconds of speech in a decision track (10 ms frames).
func speechSeconds(_ decisions: [Bool]) -> Double { Double(decisions.filter { $0 }.count) / 100 }
