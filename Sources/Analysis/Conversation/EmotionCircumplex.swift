/// Valence (unpleasant −1 … pleasant +1) and arousal (calm −1 … excited +1) from class probabilities:
/// the probability-weighted mean of each label's place on the circumplex, so a timeline of "how
/// negative is the customer" is one number per segment.
///
/// The places are the pleasure and arousal coordinates of Russell & Mehrabian (1977) as commonly
/// tabulated for the basic emotions (anger −0.51/0.59, disgust −0.60/0.35, fear −0.64/0.60,
/// happiness 0.81/0.51, sadness −0.63/−0.27, surprise 0.40/0.67), with neutral at the origin. Labels
/// outside this table (a team's own label set) carry no place: a model with any such label gets none.
public enum EmotionCircumplex {
    public static let places: [String: (valence: Double, arousal: Double)] = [
        "angry": (-0.51, 0.59), "disgust": (-0.60, 0.35), "fear": (-0.64, 0.60), "happy": (0.81, 0.51),
        "neutral": (0, 0), "sad": (-0.63, -0.27), "surprise": (0.40, 0.67),
    ]

    /// `(valence, arousal)` of `probabilities` over `labels`, or nil when a label has no place.
    public static func coordinates(_ probabilities: [Float], labels: [String]) -> (valence: Double, arousal: Double)? {
        var valence = 0.0, arousal = 0.0
        for (label, p) in zip(labels, probabilities) {
            guard let place = places[label] else { return nil }
            valence += Double(p) * place.valence
            arousal += Double(p) * place.arousal
        }
        return (valence, arousal)
    }
}
