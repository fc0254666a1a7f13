-- wrk script: POST one audio file to /v1/predict on every request.
--   wrk -s predict.lua ... http://127.0.0.1:PORT -- FILE [QUERY]
local body, query
function init(args)
  local f = assert(io.open(args[1], "rb"))
  body = f:read("*all")
  f:close()
  query = args[2] or ""
end
function request()
  return wrk.format("POST", "/v1/predict" .. query, {["Content-Type"] = "audio/wav"}, body)
end
local errors = 0
function response(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("non200=%d\n", summary.errors.status))
end
