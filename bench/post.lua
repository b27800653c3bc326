-- wrk script: post comments. args: body template file, Cookie header value.
-- "__N__" in the template becomes a number unique to each request, so no post
-- is a duplicate. Counts answers by status and prints one JSON line.
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  local file = io.open(args[1], "r")
  template = file:read("*a")
  file:close()
  cookie = args[2]
  sent = 0
  statuses = {}
  redirects = 0
  refused = 0
end

function request()
  sent = sent + 1
  local body = string.gsub(template, "__N__", tid .. "x" .. sent)
  -- Each post comes from its own reader address, as seen through one trusted
  -- proxy (TRUSTED_PROXY_COUNT=1): the per-IP flood limit stays on.
  local address = string.format("10.%d.%d.%d", tid, math.floor(sent / 250) % 250, sent % 250 + 1)
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = cookie,
    ["X-Forwarded-For"] = address,
  }, body)
end

function response(status, headers, body)
  if status == 302 or status == 303 then
    redirects = redirects + 1
  else
    refused = refused + 1
    if refused <= 3 then
      local shown = string.match(body or "", "Bench comment [^:]*") or ""
      io.stderr:write("refused: " .. status .. " " .. shown .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do
    ok = ok + t:get("redirects")
    bad = bad + t:get("refused")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_s": %.3f, "rps": %.1f, "p50_ms": %.2f, ' ..
    '"p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "redirected": %d, "not_redirected": %d, ' ..
    '"socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, ok, bad,
    e.connect + e.read + e.write + e.timeout))
end
