-- Shared by every wrk scenario (bench/loadgen.py prepends it): file loading, per-thread
-- seeding, and a machine-readable summary line.
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("thread_no", counter)
end

function read_lines(path)
  local t = {}
  for l in io.lines(path) do
    if #l > 0 then t[#t + 1] = l end
  end
  return t
end

function seed()
  math.randomseed(os.time() * 1000 + (thread_no or 0) * 7919)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "mean_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
