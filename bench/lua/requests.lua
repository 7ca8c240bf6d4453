-- A rotating list of requests for wrk, with a status check on every response.
--   wrk ... -s bench/lua/requests.lua URL -- REQUESTS_FILE [TOKEN PREFIX]
-- REQUESTS_FILE holds one request per line: METHOD <tab> PATH <tab> HEADERS <tab> BODY, where
-- HEADERS is "Name: value" pairs separated by \31 (may be empty) and BODY is one line (may be
-- empty). Requests are sent in file order, cycling. Every occurrence of TOKEN in a body is
-- replaced by PREFIX-<thread>-<counter>, so each request is unique (fresh names, changed steps).
-- response() counts every status outside 200-299 and keeps the first one with a body excerpt;
-- done() prints one machine-readable line.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

local function split(text, separator)
  local parts, start = {}, 1
  while true do
    local at = string.find(text, separator, start, true)
    if at == nil then
      table.insert(parts, string.sub(text, start))
      return parts
    end
    table.insert(parts, string.sub(text, start, at - 1))
    start = at + 1
  end
end

function init(args)
  token = args[2]
  if token == "" then token = nil end
  prefix = args[3] or ""
  counter = 0
  bad = 0
  first_status = 0
  first_body = ""
  requests = {}
  for line in io.lines(args[1]) do
    local fields = split(line, "\t")
    local headers = {}
    if fields[3] ~= "" then
      for _, pair in ipairs(split(fields[3], "\31")) do
        local colon = string.find(pair, ":", 1, true)
        headers[string.sub(pair, 1, colon - 1)] = string.sub(pair, colon + 2)
      end
    end
    local body = fields[4]
    if body == "" then body = nil else headers["Content-Type"] = "application/json" end
    local entry = {method = fields[1], path = fields[2], headers = headers, body = body}
    if token == nil or body == nil or string.find(body, token, 1, true) == nil then
      entry.formatted = wrk.format(entry.method, entry.path, headers, body)
    end
    table.insert(requests, entry)
  end
  index = 0
end

function request()
  index = index % #requests + 1
  local entry = requests[index]
  if entry.formatted ~= nil then
    return entry.formatted
  end
  counter = counter + 1
  local unique = string.format("%s-%d-%d", prefix, tid, counter)
  local body = string.gsub(entry.body, token, unique)
  return wrk.format(entry.method, entry.path, entry.headers, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    bad = bad + 1
    if first_status == 0 then
      first_status = status
      first_body = string.sub(body or "", 1, 300)
    end
  end
end

local function json_string(text)
  text = string.gsub(text, '[%c"\\]', function(c)
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. text .. '"'
end

function done(summary, latency, requests)
  local non2xx, status, body = 0, 0, ""
  for _, thread in ipairs(threads) do
    non2xx = non2xx + thread:get("bad")
    if status == 0 and thread:get("first_status") ~= 0 then
      status = thread:get("first_status")
      body = thread:get("first_body")
    end
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"non2xx": %d, "status_errors": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d, "first_status": %d, "first_body": %s}\n',
    summary.requests, summary.duration, latency:percentile(50.0), latency:percentile(99.0),
    non2xx, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, status, json_string(body)))
end
