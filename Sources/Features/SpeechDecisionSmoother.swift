/// Turns raw per-frame speech decisions into segments with a fixed lookahead:
/// - a run of raw speech frames counts only once it lasts `minimumRun` frames (isolated blips are
///   dropped) and either contains a seed, a frame the caller marks strong (loud relative to the main
///   talker: background babble forms runs too, but weak ones), or continues a segment (see `gapFill`);
/// - an accepted run is extended `preroll` frames back (quiet onsets) and `hangover` frames forward
///   (word ends);
/// - a gap of at most `gapFill` frames between two accepted runs (plus hangover) is filled: pauses
///   inside a phrase and stop closures stay speech, as in the reference labels (gaps under 200 ms).
///
/// Frame `t` is final, and emitted, once frame `t + lookahead` has been pushed, with
/// `lookahead = minimumRun − 1 + max(preroll, gapFill)`: the farthest a newly accepted run reaches
/// back. State is a ring of `lookahead + 1` flags; no allocation after `init`. Not thread-safe.
final class SpeechDecisionSmoother {
    let minimumRun: Int
    let preroll: Int
    let hangover: Int
    let gapFill: Int
    let lookahead: Int

    private let marks: UnsafeMutablePointer<Bool>
    private let size: Int
    private var run = 0
    private var runHasSeed = false
    private var accepted = false
    private var hangoverLeft = 0
    /// Last frame marked speech (−1: none yet).
    private var lastMarked = -1_000_000
    private var received = 0

    init(minimumRun: Int, preroll: Int, hangover: Int, gapFill: Int) {
        precondition(minimumRun >= 1 && preroll >= 0 && hangover >= 0 && gapFill >= 0, "SpeechDecisionSmoother: invalid lengths")
        self.minimumRun = minimumRun
        self.preroll = preroll
        self.hangover = hangover
        self.gapFill = gapFill
        lookahead = minimumRun - 1 + max(preroll, gapFill)
        size = lookahead + 1
        marks = .allocate(capacity: size)
        marks.initialize(repeating: false, count: size)
    }

    deinit { marks.deallocate() }

    /// Takes frame `received`'s raw decision (and whether it is a seed); emits the final decision of
    /// frame `received − lookahead`.
    func push(_ raw: Bool, seed: Bool, _ emit: (Bool) -> Void) {
        let t = received
        received += 1
        marks[t % size] = false
        run = raw ? run + 1 : 0
        runHasSeed = raw && (runHasSeed || seed)
        if run == 0 { accepted = false }
        let start = t - run + 1, continues = start - lastMarked - 1 <= gapFill
        if !accepted && run >= minimumRun && (runHasSeed || continues) {
            accepted = true
            // Fill back to the previous segment when the gap is short, else pre-roll.
            let from = continues ? lastMarked + 1 : start - preroll
            for u in max(0, from, t - lookahead)...t { marks[u % size] = true }
            hangoverLeft = hangover
        } else if accepted {
            hangoverLeft = hangover
        } else if hangoverLeft > 0 {
            hangoverLeft -= 1
        } else {
            if t >= lookahead { emit(marks[(t - lookahead) % size]) }
            return
        }
        marks[t % size] = true
        lastMarked = t
        if t >= lookahead { emit(marks[(t - lookahead) % size]) }
    }

    /// Emits the last `lookahead` frames (no frames follow them).
    func finish(_ emit: (Bool) -> Void) {
        for u in max(0, received - lookahead)..<received { emit(marks[u % size]) }
        received = 0
    }
}
