import AudioDecoding
import Testing
import TestSupport

/// The service's main input: an 8 kHz mu-law stereo call, agent and customer on separate channels.
@Suite("8 kHz mu-law stereo telephone audio")
struct TelephoneAudioTests {
    @Test func channelsStayApartAndComeOutAt16kHz() throws {
        let agent = Signals.sine(frequency: 350, sampleRate: 8000, seconds: 3)
        let customer = Signals.sine(frequency: 2200, sampleRate: 8000, seconds: 3, amplitude: 0.25)
        let bytes = try AudioEncoder().encode([agent, customer], sampleRate: 8000, format: .wavMuLaw)
        let audio = try AudioDecoder().decode(bytes, resamplingTo: 16000)

        #expect(audio.source == AudioFormat(container: "wav", encoding: "mulaw", sampleRate: 8000, channelCount: 2))
        #expect(audio.sampleRate == 16000)
        #expect(audio.frameCount == 48000)
        let middle = 4000..<44000  // away from the resampler's edges
        #expect(abs(Signals.zeroCrossingFrequency(audio.channels[0][middle], sampleRate: 16000) - 350) < 0.5)
        #expect(abs(Signals.zeroCrossingFrequency(audio.channels[1][middle], sampleRate: 16000) - 2200) < 2)
        // Levels survive: RMS of a sine is A/√2 (mu-law adds < 0.3 dB of error at these levels).
        #expect(abs(Signals.rms(audio.channels[0][middle]) - 0.5 / 2.0.squareRoot()) < 0.01)
        #expect(abs(Signals.rms(audio.channels[1][middle]) - 0.25 / 2.0.squareRoot()) < 0.01)
        // No crosstalk: the agent's channel holds nothing at the customer's frequency.
        #expect(Signals.toneFraction(Array(audio.channels[0][middle]), frequency: 2200, sampleRate: 16000) < 1e-3)
    }
}
