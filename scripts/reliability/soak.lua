-- wrk script for scripts/reliability/soak.sh: a fixed, weighted mix of valid and invalid requests (all correctly
-- framed, so keep-alive connections survive the error answers), with per-status counts.
-- Bodies come from $SOAK_DIR (written by soak.sh).
local mix = {}
local counter = 0
statuses = {}  -- global: done() reads it from each thread with thread:get

local function read(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local dir = os.getenv("SOAK_DIR")
  local speech = read(dir .. "/speech.wav")
  local stereo = read(dir .. "/stereo-mulaw.wav")
  local boundary = "soakboundary"
  local form = "--" .. boundary .. "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"call.wav\"\r\n" ..
               "Content-Type: audio/wav\r\n\r\n" .. stereo .. "\r\n--" .. boundary .. "--\r\n"
  local wav = { ["Content-Type"] = "audio/wav" }
  local function add(weight, req)
    for _ = 1, weight do table.insert(mix, req) end
  end
  -- valid: 10 of 20
  add(4, wrk.format("POST", "/v1/predict?vad=false", wav, speech))
  add(3, wrk.format("POST", "/v1/predict?vad=false&roles=agent,customer&segment=1", wav, stereo))
  add(1, wrk.format("POST", "/v1/predict?vad=false&channels=mix", { ["Content-Type"] = "multipart/form-data; boundary=" .. boundary }, form))
  add(1, wrk.format("GET", "/v2/health/ready"))
  add(1, wrk.format("GET", "/v1/models/tiny"))
  -- invalid: 10 of 20
  add(2, wrk.format("POST", "/v1/predict", wav, "this is not audio at all, just text"))
  add(1, wrk.format("POST", "/v1/predict?segment=nan", wav, speech))
  add(1, wrk.format("POST", "/v1/predict?model=../../etc/passwd", wav, speech))
  add(1, wrk.format("POST", "/v1/predict", { ["Content-Type"] = "text/plain" }, speech))
  add(1, wrk.format("POST", "/v1/predict", { ["Content-Type"] = "multipart/form-data; boundary=nope" }, form))
  add(1, wrk.format("POST", "/v1/predict", wav, string.sub(speech, 1, 44) .. string.rep("\0", 8)))
  add(1, wrk.format("GET", "/v1/predict"))
  add(1, wrk.format("GET", "/no/such/route"))
  add(1, wrk.format("POST", "/v1/models/reload"))
end

function request()
  counter = counter + 1
  return mix[(counter % #mix) + 1]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses") or {}
    for code, n in pairs(s) do total[code] = (total[code] or 0) + n end
  end
  local fivexx = 0
  local codes = {}
  for code, n in pairs(total) do
    table.insert(codes, code)
    if code >= 500 then fivexx = fivexx + n end
  end
  table.sort(codes)
  io.write("SOAK statuses:")
  for _, code in ipairs(codes) do io.write(string.format(" %d=%d", code, total[code])) end
  io.write("\n")
  io.write(string.format("SOAK requests=%d 5xx=%d errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, fivexx, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
  io.write(string.format("SOAK latency_ms p50=%.1f p99=%.1f max=%.1f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
