-- One request shape per run, for wrk.
--   wrk ... -s bench/lua/request.lua URL -- METHOD PATH [BODY_FILE [TOKEN PREFIX]]
-- Every occurrence of TOKEN in the body is replaced by PREFIX-<thread>-<counter>, so create
-- workloads send a fresh name per request. done() prints one machine-readable line.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  method = args[1]
  path = args[2]
  body = nil
  if args[3] ~= nil and args[3] ~= "" then
    local f = assert(io.open(args[3], "rb"))
    body = f:read("*a")
    f:close()
  end
  token = args[4]
  prefix = args[5]
  counter = 0
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local b = body
  if token ~= nil and token ~= "" and b ~= nil then
    counter = counter + 1
    b = string.gsub(b, token, string.format("%s-%d-%d", prefix, tid, counter))
  end
  return wrk.format(method, path, nil, b)
end

function done(summary, latency, requests)
  local non2xx = summary.errors.status
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"non2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d}\n',
    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(99.0),
    non2xx, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
end
