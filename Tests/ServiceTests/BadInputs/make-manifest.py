import json
cases = []
def add(name, why, expect, **req):
    c = {"name": name, "why": why}
    c.update(req)
    c["expect"] = expect
    cases.append(c)
def err(status, code=None, codes=None):
    e = {"status": status}
    if code: e["code"] = code
    if codes: e["codes"] = codes
    return e
WAV = [["Content-Type", "audio/wav"]]
P = "/v1/predict"
# --- audio bodies
add("empty-body", "Content-Length: 0", err(400, "empty_body"), method="POST", target=P, headers=WAV + [["Content-Length", "0"]], body={"text": ""})
add("no-body-no-length", "POST without Content-Length or chunking", err(411, "length_required"), method="POST", target=P, headers=WAV)
add("text-body", "plain text", err(400, "not_audio"), method="POST", target=P, headers=WAV, body={"text": "hello, this is not audio"})
add("json-body", "a JSON document", err(400, "not_audio"), method="POST", target=P, headers=WAV, body={"text": "{\"audio\": [1, 2, 3]}"})
add("nul-bytes", "4 KB of NUL", err(400, "not_audio"), method="POST", target=P, headers=WAV, body={"generator": "nul_4k"})
add("random-bytes", "4 KB of seeded random bytes", err(400, codes=["not_audio", "malformed_audio", "unsupported_encoding"]), method="POST", target=P, headers=WAV, body={"generator": "random_4k"})
add("riff-only", "just the RIFF magic", err(400, codes=["not_audio", "malformed_audio"]), method="POST", target=P, headers=WAV, body={"text": "RIFF"})
add("wav-truncated-header", "first 30 bytes of a WAV", err(400, codes=["not_audio", "malformed_audio"]), method="POST", target=P, headers=WAV, body={"generator": "wav_header_30_bytes"})
add("wav-lying-data-chunk", "data chunk declares 2 s, holds 1 s", err(400, "truncated_audio"), method="POST", target=P, headers=WAV, body={"generator": "wav_lying_data_chunk"})
add("wav-huge-fmt-chunk", "fmt chunk size 0xFFFFFFF0", err(400, codes=["malformed_audio", "not_audio"]), method="POST", target=P, headers=WAV, body={"generator": "wav_huge_fmt_chunk"})
add("wav-0-hz", "sample rate 0", err(400, codes=["invalid_sample_rate", "malformed_audio"]), method="POST", target=P, headers=WAV, body={"generator": "wav_rate_0"})
add("wav-1-hz", "sample rate 1 Hz", err(400, "invalid_sample_rate"), method="POST", target=P, headers=WAV, body={"generator": "wav_rate_1"})
add("wav-1e9-hz", "sample rate 10^9 Hz", err(400, codes=["invalid_sample_rate", "malformed_audio"]), method="POST", target=P, headers=WAV, body={"generator": "wav_rate_1e9"})
add("wav-0-channels", "0 channels", err(400, codes=["invalid_channel_count", "malformed_audio"]), method="POST", target=P, headers=WAV, body={"generator": "wav_channels_0"})
add("wav-65535-channels", "65535 channels (the WAV maximum)", err(400, codes=["invalid_channel_count", "malformed_audio"]), method="POST", target=P, headers=WAV, body={"generator": "wav_channels_65535"})
add("wav-9-channels", "one channel over --max-channels 8", err(400, "invalid_channel_count"), method="POST", target=P, headers=WAV, body={"generator": "wav_channels_9"})
add("au-1e9-channels", "Sun AU header with 10^9 channels (32-bit field)", err(400, codes=["invalid_channel_count", "malformed_audio", "not_audio"]), method="POST", target=P, headers=WAV, body={"generator": "au_channels_1e9"})
add("au-0-hz", "Sun AU header with 0 Hz", err(400, codes=["invalid_sample_rate", "malformed_audio", "not_audio"]), method="POST", target=P, headers=WAV, body={"generator": "au_rate_0"})
add("wav-float-nan", "32-bit float WAV holding a NaN", err(400, "non_finite_samples"), method="POST", target=P, headers=WAV, body={"generator": "wav_float_nan"})
add("wav-float-infinity", "32-bit float WAV holding +inf", err(400, "non_finite_samples"), method="POST", target=P, headers=WAV, body={"generator": "wav_float_inf"})
add("wav-50-ms", "0.05 s of audio", err(422, "audio_too_short"), method="POST", target=P, headers=WAV, body={"generator": "wav_50ms"})
add("wav-no-samples", "valid header, empty data chunk", err(422, codes=["audio_too_short", "malformed_audio"]), method="POST", target=P, headers=WAV, body={"generator": "wav_no_data"})
add("wav-13-bit", "13 bits per sample: accepted, WAVE allows sample widths that are not whole bytes (read as 16-bit containers)", {"status": 200}, method="POST", target=P, headers=WAV, body={"generator": "wav_13_bit"})
add("wav-unknown-codec", "format tag 0x1234", err(400, codes=["unsupported_encoding", "malformed_audio"]), method="POST", target=P, headers=WAV, body={"generator": "wav_unknown_codec"})
add("wav-silence", "2 s of digital silence (no speech, VAD on)", err(422, "no_speech"), method="POST", target=P, headers=WAV, body={"generator": "wav_silence_2s"})
add("aiff-truncated", "AIFF cut in half", err(400, codes=["truncated_audio", "malformed_audio"]), method="POST", target=P, headers=WAV, body={"generator": "aiff_truncated"})
add("flac-truncated", "FLAC cut in half", err(400, codes=["truncated_audio", "malformed_audio"]), method="POST", target=P, headers=WAV, body={"generator": "flac_truncated"})
add("flac-silence-over-duration", "120 s of 8 kHz silence as FLAC vs --max-duration 60", err(413, "audio_too_long"), method="POST", target=P, headers=WAV, body={"generator": "flac_silence_120s"})
add("flac-bomb-8ch-384k", "32 KB FLAC of 10 s of 8-channel 384 kHz silence (30.7 M samples) vs --max-samples 8000000", err(413, "audio_too_long"), method="POST", target=P, headers=WAV, body={"file": "flac_bomb_8ch_384k_10s.flac"})
add("ogg-garbage", "OggS magic then garbage", err(400, codes=["malformed_audio", "not_audio", "unsupported_encoding"]), method="POST", target=P, headers=WAV, body={"generator": "ogg_garbage"})
add("ogg-vorbis-truncated", "Ogg Vorbis cut after 600 bytes", err(400, codes=["malformed_audio", "truncated_audio", "audio_too_short", "not_audio"]), method="POST", target=P, headers=WAV, body={"generator": "ogg_truncated"})
add("ogg-vorbis-bad-setup-header", "fuzzer-found Ogg Vorbis whose later headers are damaged (libvorbis leaks 5784 bytes per attempt; see RELIABILITY.md)", err(400, codes=["malformed_audio", "not_audio"]), method="POST", target=P, headers=WAV, body={"file": "ogg_vorbis_bad_setup_header.ogg"})
add("mp3-garbage", "ID3 tag then garbage", err(400, codes=["malformed_audio", "not_audio"]), method="POST", target=P, headers=WAV, body={"generator": "mp3_garbage"})
add("rf64-huge-ds64", "RF64 whose ds64 chunk declares 2^62 bytes of data, 4 KB present (256 frames: too short)", err(422, codes=["audio_too_short", "truncated_audio"]), method="POST", target=P, headers=WAV, body={"generator": "rf64_huge"})
# --- content types
add("content-type-text", "text/plain", err(415, "unsupported_media_type"), method="POST", target=P, headers=[["Content-Type", "text/plain"]], body={"generator": "wav_speech"})
add("content-type-json", "application/json", err(415, "unsupported_media_type"), method="POST", target=P, headers=[["Content-Type", "application/json"]], body={"generator": "wav_speech"})
add("content-type-image", "image/png", err(415, "unsupported_media_type"), method="POST", target=P, headers=[["Content-Type", "image/png"]], body={"generator": "wav_speech"})
# --- multipart
add("multipart-no-boundary", "multipart/form-data without boundary", err(400, "invalid_multipart"), method="POST", target=P, headers=[["Content-Type", "multipart/form-data"]], body={"generator": "mp_valid_xyz"})
add("multipart-boundary-71", "a 71-character boundary (RFC 2046 allows 70)", err(400, "invalid_multipart"), method="POST", target=P, headers=[["Content-Type", "multipart/form-data; boundary=" + "b" * 71]], body={"generator": "mp_valid_xyz"})
add("multipart-boundary-10k", "a 10 KB boundary parameter", err(400, "invalid_multipart"), method="POST", target=P, headers=[["Content-Type", "multipart/form-data; boundary=" + "q" * 10000]], body={"generator": "mp_valid_xyz"})
add("multipart-wrong-boundary", "the body uses another boundary", err(400, "invalid_multipart"), method="POST", target=P, headers=[["Content-Type", "multipart/form-data; boundary=other"]], body={"generator": "mp_valid_xyz"})
add("multipart-unterminated", "the file part never ends", err(400, "invalid_multipart"), method="POST", target=P, headers=[["Content-Type", "multipart/form-data; boundary=xyz"]], body={"generator": "mp_unterminated"})
add("multipart-101-parts", "101 parts (limit 100)", err(400, "invalid_multipart"), method="POST", target=P, headers=[["Content-Type", "multipart/form-data; boundary=xyz"]], body={"generator": "mp_101_parts"})
add("multipart-huge-part-headers", "20 KB of part headers (limit 16 KB)", err(400, "invalid_multipart"), method="POST", target=P, headers=[["Content-Type", "multipart/form-data; boundary=xyz"]], body={"generator": "mp_huge_part_headers"})
add("multipart-empty-file", "the file part is empty", err(400, "empty_body"), method="POST", target=P, headers=[["Content-Type", "multipart/form-data; boundary=xyz"]], body={"generator": "mp_empty_file"})
add("multipart-no-file-field", "two plain fields, no file", err(400, "invalid_multipart"), method="POST", target=P, headers=[["Content-Type", "multipart/form-data; boundary=xyz"]], body={"generator": "mp_no_file"})
add("multipart-text-file", "the uploaded file is text", err(400, "not_audio"), method="POST", target=P, headers=[["Content-Type", "multipart/form-data; boundary=xyz"]], body={"generator": "mp_text_file"})
# --- query strings (valid audio body)
def q(name, query, expect, why):
    add(name, why, expect, method="POST", target=P + "?" + query, headers=WAV, body={"generator": "wav_speech"})
q("query-unknown", "segmnt=5", err(400, "invalid_parameter"), "misspelt parameter")
q("query-segment-nan", "segment=nan", err(400, "invalid_parameter"), "NaN")
q("query-segment-inf", "segment=inf", err(400, "invalid_parameter"), "infinity")
q("query-segment-1e308", "segment=1e308", err(400, "invalid_parameter"), "huge")
q("query-segment-hex", "segment=0x10", {"status": 200}, "hex float: accepted as 16 s (Swift's Double parser reads hex floats); harmless")
q("query-hop-garbage", "segment=2&hop=%FF%FE", err(400, "invalid_parameter"), "invalid UTF-8")
q("query-vad-garbage", "vad=maybe", err(400, "invalid_parameter"), "not a boolean")
q("query-channels-garbage", "channels=both", err(400, "invalid_parameter"), "unknown mode")
q("query-roles-65", "roles=" + ",".join(["r"] * 65), err(400, "invalid_parameter"), "65 roles")
q("query-role-65-chars", "roles=" + "r" * 65, err(400, "invalid_parameter"), "a 65-character role")
q("query-roles-empty", "roles=a,,b", err(400, "invalid_parameter"), "an empty role")
q("query-model-empty-version", "model=tiny:", err(400, "invalid_parameter"), "empty version")
q("query-model-201-chars", "model=" + "m" * 201, err(400, "invalid_parameter"), "over-long name")
q("query-model-traversal", "model=../../../../etc/passwd", err(404, "model_not_found"), "path traversal")
q("query-model-encoded-traversal", "model=%2e%2e%2f%2e%2e%2fetc%2fpasswd", err(404, "model_not_found"), "percent-encoded traversal")
q("query-model-absolute", "model=/etc/passwd", err(404, "model_not_found"), "absolute path")
q("query-model-dot", "model=.", err(404, "model_not_found"), "current directory")
q("query-model-version-traversal", "model=tiny:../../2", err(404, "model_not_found"), "traversal in the version")
q("query-model-nul", "model=..%00/etc/passwd", err(404, "model_not_found"), "NUL byte (libmicrohttpd hands over a C string: '..')")
# --- routes and methods
add("get-predict", "wrong method", err(405, "method_not_allowed"), method="GET", target=P)
add("delete-models", "wrong method", err(405, "method_not_allowed"), method="DELETE", target="/v1/models")
add("unknown-route", "no such route", err(404, "not_found"), method="GET", target="/v1/nothing/here")
add("odd-method", "a made-up method token", err(404, codes=["not_found", "method_not_allowed"]), method="BREW", target="/v1/coffee")
add("model-route-traversal", "encoded ../ in /v1/models/{name}", err(404, codes=["model_not_found", "not_found"]), method="GET", target="/v1/models/..%2f..%2fetc%2fpasswd")
add("model-route-dotdot", "%2e%2e as the name", err(404, codes=["model_not_found", "not_found"]), method="GET", target="/v1/models/%2e%2e")
add("model-route-bad-escape", "malformed percent escape", err(404, codes=["model_not_found", "not_found"]), method="GET", target="/v1/models/%zz")
add("v2-model-traversal", "traversal in the V2 model route", err(404, codes=["model_not_found", "not_found"]), method="GET", target="/v2/models/..%2F..%2Fetc/ready")
add("reload-no-key", "admin route without Authorization", err(401, "unauthorized"), method="POST", target="/v1/models/reload")
add("reload-wrong-scheme", "Basic instead of Bearer", err(401, "unauthorized"), method="POST", target="/v1/models/reload", headers=[["Authorization", "Basic YWRtaW46YWRtaW4="]])
add("reload-wrong-key", "wrong admin key", err(403, "forbidden"), method="POST", target="/v1/models/reload", headers=[["Authorization", "Bearer not-the-key"]])
# --- transport: our handler answers
add("content-length-1e12", "Content-Length of 10^12, no body sent", err(413, "body_too_large"), method="POST", target=P, headers=WAV + [["Content-Length", "1000000000000"]])
add("chunked-over-limit", "3 MB chunked body vs --max-body-bytes 2000000", err(413, "body_too_large"), raw={"generator": "chunked_over_limit"})
add("expect-100-huge", "Expect: 100-continue with Content-Length 10^10", err(413, "body_too_large"), method="POST", target=P, headers=WAV + [["Expect", "100-continue"], ["Content-Length", "10000000000"]])
add("huge-request-id", "10 KB X-Request-Id (replaced by a generated id)", {"status": 200}, method="GET", target="/healthz", headers=[["X-Request-Id", "i" * 10000]])
# --- transport: libmicrohttpd answers (no JSON body possible), or closes
T = lambda statuses, why_none=True: {"transport": True, "statuses": statuses, "allow_no_response": why_none}
add("content-length-overflow", "Content-Length of 10^23", T([400, 413]), method="POST", target=P, headers=WAV + [["Content-Length", "99999999999999999999999"]])
add("content-length-negative", "Content-Length: -5", T([400, 413]), method="POST", target=P, headers=WAV + [["Content-Length", "-5"]])
add("chunked-bad-hex", "chunk size 'zz'", T([400]), raw={"generator": "chunked_bad_hex"})
add("chunked-size-overflow", "chunk size of 20 hex digits", T([400, 413]), raw={"generator": "chunked_size_overflow"})
add("chunked-lying-size", "chunk declares 1 MB, 100 bytes follow, then the client stops sending", T([400, 413]), raw={"generator": "chunked_lying_size"})
add("header-line-1mb", "one 1 MB header line (connection buffer 64 KB)", T([400, 413, 414, 431]), raw={"generator": "header_line_1mb"})
add("headers-10k-lines", "10 000 header lines", T([400, 413, 431]), raw={"generator": "headers_10k"})
add("url-100k", "a 100 KB request target", T([400, 413, 414, 431]), raw={"generator": "url_100k"})
add("garbage-request-line", "binary garbage instead of a request line", T([400]), raw={"generator": "garbage_request_line"})
add("http-version-9", "HTTP/9.9 (libmicrohttpd answers 505 Version Not Supported, the correct status)", T([400, 505]), raw={"text": "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n"})
add("header-nul", "a NUL byte inside a header value", T([200, 400]), raw={"generator": "header_nul"})
add("body-short-then-close", "Content-Length 100000, 10 bytes, then EOF", T([400]), raw={"generator": "body_short"})
add("headers-then-close", "the connection ends inside the headers", T([400]), raw={"text": "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Ty"})
json.dump({"description": "Malformed and hostile requests sent to a live ser-server by Tests/ServiceTests/BadInputCorpusTests.swift. "
           "body/raw: 'text' (literal), 'file' (in this directory) or 'generator' (built in code, see BadInputCorpusTests.generators). "
           "expect: status and error code (one of 'codes' where libsndfile's classification may vary), or 'transport': libmicrohttpd answers "
           "before our handler runs (one of 'statuses', body not our JSON) or closes the connection ('allow_no_response').",
           "server_arguments": ["--max-body-bytes", "2000000", "--max-samples", "8000000", "--max-duration", "60", "--max-channels", "8", "--connection-timeout", "3"],
           "cases": cases}, open(__import__("os").path.join(__import__("os").path.dirname(__import__("os").path.abspath(__file__)), "manifest.json"), "w"), indent=1)
print(len(cases), "cases")
