-- wrk script for bench/scale: the short links and user agents of bench/redirect.lua, with an
-- exact count of the redirects answered. After BENCH_UNTIL (Unix time) it asks only for
-- /healthz, so every short-link request still in flight when wrk stops has been answered and
-- counted. BENCH_DIR is the folder of this script.
dofile(os.getenv("BENCH_DIR") .. "/redirect.lua")

local tracked_setup = setup
local tracked_request = request
local stop_at = tonumber(os.getenv("BENCH_UNTIL") or "0")
local everyone = {}
redirects = 0

function setup(thread)
  tracked_setup(thread)
  table.insert(everyone, thread)
end

function request()
  if os.time() >= stop_at then
    return wrk.format("GET", "/healthz")
  end
  return tracked_request()
end

function response(status, headers, body)
  if status == 302 then
    redirects = redirects + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(everyone) do
    total = total + thread:get("redirects")
  end
  io.write(string.format("redirects answered: %d\n", total))
end
