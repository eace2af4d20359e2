-- wrk script: cycle through the request paths listed (one per line) in the file named by the
-- environment variable BENCH_PATHS; at the end print one JSON line with the figures.
local paths = {}
local index = 0

local file = io.open(os.getenv("BENCH_PATHS"), "r")
for line in file:lines() do
  paths[#paths + 1] = line
end
file:close()

request = function()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, ' ..
    '"errors": %d, "non_2xx": %d}\n',
    summary.requests, seconds, summary.requests / seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
