-- wrk script for scripts/bench-sandbox: every request creates a verification to a
-- number never used before (each wrk thread counts in a range of its own), as
-- POST /v2/Services/{VA}/Verifications with Basic auth and a form body.
-- Environment: WRK_PATH (the path; a service of its own per run, so its numbers are
-- new to it), WRK_MAX (per thread: after that many creates, requests are
-- GET /sandbox/health, to pre-fill a state with a known number of verifications).
local path = os.getenv("WRK_PATH") or "/v2/Services/VA00000000000000000000000000000000/Verifications"
local max = tonumber(os.getenv("WRK_MAX") or "0")
-- AC00000000000000000000000000000000:sandbox-auth-token, the sandbox defaults.
local auth = "Basic QUMwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDpzYW5kYm94LWF1dGgtdG9rZW4="
local threads = 0

function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end

local sent = 0
function request()
  sent = sent + 1
  if max > 0 and sent > max then
    return wrk.format("GET", "/sandbox/health", { ["Authorization"] = auth })
  end
  -- +1 415 2xx xxxx onwards: valid NANP numbers, 1,000,000 per thread per run.
  local n = 2000000 + id * 1000000 + sent
  local body = "To=%2B1415" .. string.format("%07d", n) .. "&Channel=sms"
  return wrk.format("POST", path, {
    ["Authorization"] = auth,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.0f p50_ms=%.3f p99_ms=%.3f requests=%d non2xx=%d errors=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
