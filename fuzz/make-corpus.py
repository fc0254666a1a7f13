#!/usr/bin/env python3
"""Writes the committed seed corpora under fuzz/corpus/<target>/ (deterministic; small files only).

Audio seeds are short (0.15-0.3 s) so libFuzzer's mutations stay cheap; model-file seeds come from the
FuzzModelFile binary itself (`FUZZ_WRITE_SEEDS=dir`, TinyModel), see scripts/reliability/fuzz.sh --seeds.
Run with the project venv: .venv/bin/python fuzz/make-corpus.py [TARGET ...]   (default: every target)
"""
import io
import json
import os
import struct
import sys

import numpy as np
import soundfile as sf

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def speech(seconds, rate, channels=1, pitch=150.0):
    t = np.arange(int(seconds * rate)) / rate
    env = 0.55 + 0.45 * np.sin(2 * np.pi * 4 * t)
    out = []
    for c in range(channels):
        f0 = pitch + 50 * c
        tone = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 7))
        out.append(0.15 * env * tone)
    return np.stack(out, axis=1).astype(np.float32)


def encode(data, rate, fmt, subtype):
    buf = io.BytesIO()
    sf.write(buf, data, rate, format=fmt, subtype=subtype)
    return buf.getvalue()


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def wav_header(fmt_tag, channels, rate, bits, data, declared=None, riff=None):
    block = channels * bits // 8
    out = b"RIFF" + struct.pack("<I", riff if riff is not None else 36 + len(data)) + b"WAVE"
    out += b"fmt " + struct.pack("<IHHIIHH", 16, fmt_tag, channels, rate, (rate * block) & 0xFFFFFFFF, block & 0xFFFF, bits)
    out += b"data" + struct.pack("<I", declared if declared is not None else len(data)) + data
    return out


def audio_seeds():
    mono8k = speech(0.2, 8000)
    stereo8k = speech(0.2, 8000, channels=2)
    mono16k = speech(0.15, 16000)
    seeds = {
        "wav_pcm16_8k.wav": encode(mono8k, 8000, "WAV", "PCM_16"),
        "wav_pcm16_stereo_8k.wav": encode(stereo8k, 8000, "WAV", "PCM_16"),
        "wav_pcm_u8.wav": encode(mono8k, 8000, "WAV", "PCM_U8"),
        "wav_pcm24.wav": encode(mono8k, 8000, "WAV", "PCM_24"),
        "wav_pcm32.wav": encode(mono8k, 8000, "WAV", "PCM_32"),
        "wav_float32.wav": encode(mono8k, 8000, "WAV", "FLOAT"),
        "wav_float64.wav": encode(mono8k, 8000, "WAV", "DOUBLE"),
        "wav_mulaw_stereo.wav": encode(stereo8k, 8000, "WAV", "ULAW"),
        "wav_alaw.wav": encode(mono8k, 8000, "WAV", "ALAW"),
        "wav_ima_adpcm.wav": encode(mono8k, 8000, "WAV", "IMA_ADPCM"),
        "wav_ms_adpcm.wav": encode(mono8k, 8000, "WAV", "MS_ADPCM"),
        "wav_gsm610.wav": encode(mono8k, 8000, "WAV", "GSM610"),
        "wavex_pcm16.wav": encode(mono8k, 8000, "WAVEX", "PCM_16"),
        "rf64_pcm16.rf64": encode(mono8k, 8000, "RF64", "PCM_16"),
        "w64_pcm16.w64": encode(mono8k, 8000, "W64", "PCM_16"),
        "flac_16k.flac": encode(mono16k, 16000, "FLAC", "PCM_16"),
        "flac_stereo_8k.flac": encode(stereo8k, 8000, "FLAC", "PCM_16"),
        "ogg_vorbis.ogg": encode(mono16k, 16000, "OGG", "VORBIS"),
        "aiff_pcm16.aiff": encode(mono8k, 8000, "AIFF", "PCM_16"),
        "au_ulaw.au": encode(mono8k, 8000, "AU", "ULAW"),
        "caf_alaw.caf": encode(mono8k, 8000, "CAF", "ALAW"),
        "nist_pcm16.nist": encode(mono8k, 8000, "NIST", "PCM_16"),
        # Hand-made edge cases: lying sizes, 0 Hz, absurd channel counts, NaN floats.
        "wav_declares_more.wav": wav_header(1, 1, 8000, 16, b"\x01\x00" * 800, declared=64000),
        "wav_zero_rate.wav": wav_header(1, 1, 0, 16, b"\x01\x00" * 800),
        "wav_many_channels.wav": wav_header(1, 4096, 8000, 16, b"\x01\x00" * 8192),
        "wav_nan_float.wav": wav_header(3, 1, 8000, 32, struct.pack("<f", float("nan")) * 1600),
        "wav_huge_frames.wav": wav_header(1, 8, 384000, 16, b"\x00\x00" * 64, declared=0x7FFFFFF0, riff=0x7FFFFFF8),
    }
    try:
        seeds["ogg_opus.opus"] = encode(speech(0.2, 48000), 48000, "OGG", "OPUS")
    except Exception as e:  # older libsndfile
        print("no opus seed:", e, file=sys.stderr)
    try:
        seeds["mp3.mp3"] = encode(mono16k, 16000, "MP3", "MPEG_LAYER_III")
    except Exception as e:
        print("no mp3 seed:", e, file=sys.stderr)
    for name, data in seeds.items():
        write("audio", name, data)
    return seeds


def multipart_seeds(wav):
    b = "XyZ123"
    def form(boundary, parts, content_type=None):
        body = b""
        for headers, payload in parts:
            body += b"--" + boundary.encode() + b"\r\n" + headers.encode() + b"\r\n\r\n" + payload + b"\r\n"
        body += b"--" + boundary.encode() + b"--\r\n"
        ct = content_type or f"multipart/form-data; boundary={boundary}"
        return ct.encode() + b"\n" + body
    file_hdr = 'Content-Disposition: form-data; name="file"; filename="call.wav"\r\nContent-Type: audio/wav'
    seeds = {
        "curl_f.txt": form(b, [(file_hdr, wav[:200])]),
        "quoted_boundary.txt": form("a b;c", [(file_hdr, b"data")], 'multipart/form-data; boundary="a b;c"'),
        "two_parts.txt": form(b, [('Content-Disposition: form-data; name="note"', b"hello"), (file_hdr, b"RIFF....WAVE")]),
        "no_filename.txt": form(b, [('Content-Disposition: form-data; name="audio"', b"x" * 40)]),
        "preamble_epilogue.txt": b"multipart/form-data; charset=utf-8; boundary=q\npreamble\r\n--q\r\n" + file_hdr.encode() + b"\r\n\r\nabc\r\n--q--\r\nepilogue",
        "unterminated.txt": b"multipart/form-data; boundary=q\n--q\r\nContent-Disposition: form-data; name=file\r\n\r\nabc",
        "max_boundary.txt": form("b" * 70, [(file_hdr, b"abc")]),
        "empty_part.txt": form(b, [(file_hdr, b"")]),
    }
    for name, data in seeds.items():
        write("multipart", name, data)


def request_seeds(wav, flac):
    def req(line, headers, body=b""):
        h = "".join(f"{k}: {v}\n" for k, v in headers)
        return line.encode() + b"\n" + h.encode() + b"\n" + body
    wav_h = [("Content-Type", "audio/wav"), ("Content-Length", str(len(wav)))]
    seeds = {
        "predict_plain.txt": req("POST /v1/predict", wav_h, wav),
        "predict_params.txt": req("POST /v1/predict?model=tiny:1&channels=split&roles=agent,customer&segment=0.5&hop=0.25&vad=false", wav_h, wav),
        "predict_latest.txt": req("POST /v1/predict?model=tiny:latest&vad=0&segment=0", wav_h, wav),
        "predict_mix.txt": req("POST /v1/predict?channels=mix&vad=no", [("Content-Type", "audio/flac"), ("Content-Length", str(len(flac)))], flac),
        "predict_bad_params.txt": req("POST /v1/predict?segment=nan&hop=-1&model=%2e%2e%2f&roles=,,", wav_h, wav),
        "predict_multipart.txt": req("POST /v1/predict?vad=false", [("Content-Type", "multipart/form-data; boundary=zz"), ("Content-Length", "1")],
                                     b"--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\n" + wav + b"\r\n--zz--\r\n"),
        "predict_empty.txt": req("POST /v1/predict", [("Content-Type", "audio/wav"), ("Content-Length", "0")]),
        "predict_chunked.txt": req("POST /v1/predict", [("Content-Type", "audio/wav"), ("Transfer-Encoding", "chunked")]),
        "predict_text.txt": req("POST /v1/predict", [("Content-Type", "text/plain"), ("Content-Length", "5")], b"hello"),
        "models.txt": req("GET /v1/models", []),
        "model_by_name.txt": req("GET /v1/models/tiny", []),
        "model_traversal.txt": req("GET /v1/models/%2e%2e%2f%2e%2e%2fetc%2fpasswd", []),
        "v2_model.txt": req("GET /v2/models/tiny", []),
        "v2_ready.txt": req("GET /v2/models/tiny/ready", []),
        "reload_admin.txt": req("POST /v1/models/reload", [("Authorization", "Bearer fuzz-admin-key")]),
        "reload_wrong_key.txt": req("POST /v1/models/reload", [("Authorization", "Bearer nope")]),
        "health.txt": req("HEAD /v2/health/ready", [("X-Request-Id", "abc-123")]),
        "metrics.txt": req("GET /metrics", []),
        "openapi.txt": req("GET /openapi.yaml", []),
    }
    for name, data in seeds.items():
        write("request", name, data)


def model_seeds():
    # Small hand-made safetensors files (the TinyModel seeds come from FuzzModelFile itself).
    def st(header, data=b""):
        h = json.dumps(header).encode()
        h += b" " * ((8 - len(h) % 8) % 8)
        return struct.pack("<Q", len(h)) + h + data
    seeds = {
        "empty_object.safetensors": st({}),
        "one_tensor.safetensors": st({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]}}, b"\x00" * 16),
        "metadata_only.safetensors": st({"__metadata__": {"ser_manifest": "{}", "network_spec": "{}"}}),
        "overflow_shape.safetensors": st({"w": {"dtype": "F32", "shape": [2**62, 4], "data_offsets": [0, 16]}}, b"\x00" * 16),
    }
    for name, data in seeds.items():
        write("model", name, data)


def ws_frame(opcode, payload=b"", fin=True, mask=b"\x37\xfa\x21\x3d", rsv=0, length=None, length_bytes=None):
    """One client frame (masked unless mask is None); `length`/`length_bytes` force a header for bad or non-minimal lengths."""
    n = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | rsv | opcode])
    m = 0x80 if mask is not None else 0
    size = length_bytes if length_bytes is not None else (0 if n <= 125 else 2 if n <= 0xFFFF else 8)
    if size == 0:
        head += bytes([m | n])
    elif size == 2:
        head += bytes([m | 126]) + struct.pack(">H", n)
    else:
        head += bytes([m | 127]) + struct.pack(">Q", n)
    if mask is None:
        return head + payload
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def websocket_seeds():
    # First byte: how FuzzWebSocketFrame splits the rest into appends (0 all at once, 1 byte at a time,
    # 2 | n << 2 chunks of n + 1 bytes, 3 generated sizes); the rest is client bytes.
    text, binary, cont, close, ping, pong = 1, 2, 0, 8, 9, 10
    emoji = "😀".encode()
    seeds = {
        "text_hello.bin": b"\x00" + ws_frame(text, b"Hello"),
        "fragmented_with_ping.bin": b"\x01" + ws_frame(text, b"Hel", fin=False) + ws_frame(ping, b"?") + ws_frame(cont, b"lo"),
        "binary_256.bin": b"\x1e" + ws_frame(binary, bytes(range(256))),
        "binary_at_limit.bin": b"\x03" + ws_frame(binary, bytes(4096)),
        "non_minimal_64bit_length.bin": b"\x02" + ws_frame(binary, b"12345", length_bytes=8),
        "emoji_split.bin": b"\x07" + ws_frame(text, b"a" + emoji[:2], fin=False) + ws_frame(pong, b"") + ws_frame(cont, emoji[2:] + b"b"),
        "close_normal.bin": b"\x00" + ws_frame(ping, b"") + ws_frame(close, struct.pack(">H", 1000) + "bye ✓".encode()),
        "close_empty.bin": b"\x01" + ws_frame(close),
        "many_small.bin": b"\x0b" + b"".join(ws_frame(binary if i % 2 else text, b"x" * i) for i in range(12)),
        # Raw UTF-8 (not frames) for the text-message check, which reads the rest as one text payload:
        # the first and last sequence of every row of Unicode's Table 3-7, so one mutated byte crosses
        # a boundary (overlong, surrogate, above U+10FFFF).
        "utf8_boundaries.txt": b"\x00" + b" ".join([b"\x7f", b"\xc2\x80", b"\xdf\xbf", b"\xe0\xa0\x80", b"\xe0\xbf\xbf", b"\xe1\x80\x80",
                                                 b"\xec\xbf\xbf", b"\xed\x80\x80", b"\xed\x9f\xbf", b"\xee\x80\x80", b"\xef\xbf\xbf",
                                                 b"\xf0\x90\x80\x80", b"\xf0\xbf\xbf\xbf", b"\xf1\x80\x80\x80", b"\xf3\xbf\xbf\xbf",
                                                 b"\xf4\x80\x80\x80", b"\xf4\x8f\xbf\xbf"]),
        "utf8_text.txt": b"\x05" + "Grüße, Zürich 😀 € ĳ".encode(),
        # Invalid: each must fail with 1002, 1007 or 1009.
        "unmasked.bin": b"\x00" + ws_frame(text, b"Hello", mask=None),
        "rsv1.bin": b"\x00" + ws_frame(text, b"Hello", rsv=0x40),
        "reserved_opcode.bin": b"\x00" + ws_frame(3, b"?"),
        "long_ping.bin": b"\x00" + ws_frame(ping, bytes(126)),
        "fragmented_ping.bin": b"\x00" + ws_frame(ping, b"", fin=False),
        "lone_continuation.bin": b"\x00" + ws_frame(cont, b"lo"),
        "text_inside_fragmented.bin": b"\x00" + ws_frame(binary, b"a", fin=False) + ws_frame(text, b"b"),
        "bad_utf8.bin": b"\x01" + ws_frame(text, b"ok \xed\xa0\x80"),
        "truncated_utf8.bin": b"\x00" + ws_frame(text, b"ok \xe2\x82"),
        "close_one_byte.bin": b"\x00" + ws_frame(close, b"\x03"),
        "close_1005.bin": b"\x00" + ws_frame(close, struct.pack(">H", 1005)),
        "close_bad_reason.bin": b"\x00" + ws_frame(close, struct.pack(">H", 1000) + b"\xff"),
        "too_big.bin": b"\x00" + ws_frame(binary, b"", length=5000)[:8],
        "length_top_bit.bin": b"\x00" + ws_frame(binary, b"", length=1 << 63, length_bytes=8)[:14],
    }
    for name, data in seeds.items():
        write("websocket", name, data)


if __name__ == "__main__":
    only = set(sys.argv[1:])
    wanted = lambda target: not only or target in only
    if wanted("audio") or wanted("multipart") or wanted("request"):
        audio = audio_seeds()
        multipart_seeds(audio["wav_pcm16_8k.wav"])
        request_seeds(encode(speech(0.6, 8000, channels=2), 8000, "WAV", "ULAW"), encode(speech(0.6, 16000), 16000, "FLAC", "PCM_16"))
    if wanted("model"):
        model_seeds()
    if wanted("websocket"):
        websocket_seeds()
    for t in sorted(os.listdir(ROOT)):
        files = os.listdir(os.path.join(ROOT, t))
        print(t, len(files), "files,", sum(os.path.getsize(os.path.join(ROOT, t, f)) for f in files), "bytes")
