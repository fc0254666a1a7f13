/// Turns raw per-frame speech decisions into segments with a fixed lookahead: a run of raw speech
/// frames counts only once it lasts `minimumRun` frames (isolated blips are dropped); it is then
/// extended `preroll` frames back (onsets are quiet) and `hangover` frames forward (word ends, short
/// pauses and stop closures stay inside the segment).
///
/// Frame `t` is final, and emitted, once frame `t + lookahead` has been pushed, with
/// `lookahead = minimumRun − 1 + preroll`: the largest distance a later frame can reach back. State is
/// a ring of `lookahead + 1` flags; no allocation after `init`. Not thread-safe.
final class SpeechDecisionSmoother {
    let minimumRun: Int
    let preroll: Int
    let hangover: Int
    var lookahead: Int { minimumRun - 1 + preroll }

    private let marks: UnsafeMutablePointer<Bool>
    private let size: Int
    private var run = 0
    private var hangoverLeft = 0
    private var received = 0

    init(minimumRun: Int, preroll: Int, hangover: Int) {
        precondition(minimumRun >= 1 && preroll >= 0 && hangover >= 0, "SpeechDecisionSmoother: invalid lengths")
        self.minimumRun = minimumRun
        self.preroll = preroll
        self.hangover = hangover
        size = minimumRun + preroll
        marks = .allocate(capacity: size)
        marks.initialize(repeating: false, count: size)
    }

    deinit { marks.deallocate() }

    /// Takes frame `received`'s raw decision; emits the final decision of frame `received − lookahead`.
    func push(_ raw: Bool, _ emit: (Bool) -> Void) {
        let t = received
        received += 1
        marks[t % size] = false
        run = raw ? run + 1 : 0
        if run == minimumRun {
            for u in max(0, t - lookahead)...t { marks[u % size] = true }
            hangoverLeft = hangover
        } else if run > minimumRun {
            marks[t % size] = true
            hangoverLeft = hangover
        } else if hangoverLeft > 0 {
            marks[t % size] = true
            hangoverLeft -= 1
        }
        if t >= lookahead { emit(marks[(t - lookahead) % size]) }
    }

    /// Emits the last `lookahead` frames (no frames follow them).
    func finish(_ emit: (Bool) -> Void) {
        for u in max(0, received - lookahead)..<received { emit(marks[u % size]) }
        received = 0
    }
}
