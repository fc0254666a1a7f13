import CSndFile

/// Names for libsndfile's format codes (`SF_INFO.format`): the major type is the container, the
/// subtype the sample encoding.
enum SoundFileFormat {
    static func containerName(_ format: Int32) -> String {
        switch format & Int32(SF_FORMAT_TYPEMASK) {
        case Int32(SF_FORMAT_WAV): "wav"
        case Int32(SF_FORMAT_WAVEX): "wav"
        case Int32(SF_FORMAT_RF64): "rf64"
        case Int32(SF_FORMAT_W64): "w64"
        case Int32(SF_FORMAT_AIFF): "aiff"
        case Int32(SF_FORMAT_AU): "au"
        case Int32(SF_FORMAT_CAF): "caf"
        case Int32(SF_FORMAT_FLAC): "flac"
        case Int32(SF_FORMAT_OGG): "ogg"
        case Int32(SF_FORMAT_MPEG): "mp3"
        case Int32(SF_FORMAT_NIST): "nist"
        default: "other"
        }
    }

    static func encodingName(_ format: Int32) -> String {
        switch format & Int32(SF_FORMAT_SUBMASK) {
        case Int32(SF_FORMAT_PCM_S8): "pcm_s8"
        case Int32(SF_FORMAT_PCM_U8): "pcm_u8"
        case Int32(SF_FORMAT_PCM_16): "pcm_s16"
        case Int32(SF_FORMAT_PCM_24): "pcm_s24"
        case Int32(SF_FORMAT_PCM_32): "pcm_s32"
        case Int32(SF_FORMAT_FLOAT): "float32"
        case Int32(SF_FORMAT_DOUBLE): "float64"
        case Int32(SF_FORMAT_ULAW): "mulaw"
        case Int32(SF_FORMAT_ALAW): "alaw"
        case Int32(SF_FORMAT_IMA_ADPCM): "ima_adpcm"
        case Int32(SF_FORMAT_MS_ADPCM): "ms_adpcm"
        case Int32(SF_FORMAT_GSM610): "gsm610"
        case Int32(SF_FORMAT_VORBIS): "vorbis"
        case Int32(SF_FORMAT_OPUS): "opus"
        case Int32(SF_FORMAT_ALAC_16): "alac"
        case Int32(SF_FORMAT_MPEG_LAYER_I): "mp1"
        case Int32(SF_FORMAT_MPEG_LAYER_II): "mp2"
        case Int32(SF_FORMAT_MPEG_LAYER_III): "mp3"
        default: "other"
        }
    }

    /// Float encodings are the only ones that can carry NaN or infinity.
    static func isFloatingPoint(_ format: Int32) -> Bool {
        let subtype = format & Int32(SF_FORMAT_SUBMASK)
        return subtype == Int32(SF_FORMAT_FLOAT) || subtype == Int32(SF_FORMAT_DOUBLE)
    }

    /// Formats whose declared frame count is exact, so decoding fewer frames means truncation.
    /// MP3's count is an estimate for VBR streams without a Xing header, so it is not checked.
    static func declaresExactLength(_ format: Int32) -> Bool {
        format & Int32(SF_FORMAT_TYPEMASK) != Int32(SF_FORMAT_MPEG)
    }
}
