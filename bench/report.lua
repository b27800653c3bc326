-- wrk script: count responses that are not 200 and the SQL queries each
-- response reports (X-Query-Count), then print one JSON line for bench/run.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  responses = 0
  queries = 0
  counted = 0
  not_ok = 0
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then not_ok = not_ok + 1 end
  local q = headers["X-Query-Count"] or headers["x-query-count"]
  if q then
    queries = queries + tonumber(q)
    counted = counted + 1
  end
end

function done(summary, latency, requests)
  local r, q, c, bad = 0, 0, 0, 0
  for _, t in ipairs(threads) do
    r = r + t:get("responses")
    q = q + t:get("queries")
    c = c + t:get("counted")
    bad = bad + t:get("not_ok")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_s": %.3f, "rps": %.1f, "p50_ms": %.2f, ' ..
    '"p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "queries_total": %d, ' ..
    '"queries_counted": %d, "not_200": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, q, c, bad,
    e.connect + e.read + e.write + e.timeout))
end
