-- This file is part of the one_stop project.  The COPYRIGHT file at the top
-- level of this repository contains the full copyright notices and license
-- terms.
--
-- wrk script of bench/survey_load.py (which sets the environment):
--   BENCH_MODE    ping | get | form | sql | post
--   BENCH_DB      the database name (first part of the paths)
--   BENCH_TOKENS  a file of survey tokens, one a line (not for ping)
--   BENCH_THREADS wrk's -t (the threads share the tokens: thread k takes
--                 the tokens k, k + t, k + 2t ...)
--   BENCH_BODY    the urlencoded answer posted (sql, post)
-- ping:  GET /<db>/bench/ping          (bench/trivial_app.py)
-- get:   GET /<db>/s/<token>           (the invitation page)
-- form:  GET /<db>/s/<token>/form      (the questionnaire)
-- sql:   POST /<db>/bench/answer/<token> (the answer's writes in SQL,
--                                      bench/trivial_app.py)
-- post:  POST /<db>/s/<token>         (an answer; a token answers once)
-- Each request of get/form/sql/post takes the next token; each POST comes from
-- another phone (User-Agent).  At the end one line "BENCH_RESULT {json}":
-- counts per HTTP status, socket errors, latency percentiles (µs) and how
-- many times the tokens were used up and started again ("wrapped").

local mode = os.getenv("BENCH_MODE") or "ping"
local database = os.getenv("BENCH_DB") or ""
local tokens_file = os.getenv("BENCH_TOKENS")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local post_body = os.getenv("BENCH_BODY") or "action=answer"

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("tid", counter)
   table.insert(threads, thread)
end

function init(args)
   tokens = {}
   if mode ~= "ping" and tokens_file then
      for line in io.lines(tokens_file) do
         if #line > 0 then tokens[#tokens + 1] = line end
      end
   end
   position = tid
   wrapped = 0
   sent = 0
   statuses = {}
end

local function next_token()
   local token = tokens[position]
   position = position + nthreads
   if position > #tokens then
      position = tid
      wrapped = wrapped + 1
   end
   return token
end

function request()
   sent = sent + 1
   if mode == "ping" then
      return wrk.format("GET", "/" .. database .. "/bench/ping")
   end
   local token = next_token()
   local path = "/" .. database .. "/s/" .. token
   if mode == "sql" then
      path = "/" .. database .. "/bench/answer/" .. token
   end
   if mode == "get" then
      return wrk.format("GET", path, {["User-Agent"] = "bench"})
   elseif mode == "form" then
      return wrk.format("GET", path .. "/form", {["User-Agent"] = "bench"})
   end
   return wrk.format("POST", path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["User-Agent"] = "Mozilla/5.0 (Linux; Android 14; bench phone "
         .. tid .. "-" .. sent .. ")",
   }, post_body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   local total = {}
   local total_wrapped = 0
   for _, thread in ipairs(threads) do
      local s = thread:get("statuses")
      for code, count in pairs(s) do
         total[code] = (total[code] or 0) + count
      end
      total_wrapped = total_wrapped + thread:get("wrapped")
   end
   local parts = {}
   for code, count in pairs(total) do
      parts[#parts + 1] = string.format('"%d": %d', code, count)
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"mode": "%s", "duration_us": %d, "requests": %d, '
      .. '"statuses": {%s}, "errors": {"connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d}, "latency_us": '
      .. '{"mean": %.1f, "max": %d, "p50": %d, "p90": %d, "p99": %d, '
      .. '"p999": %d}, "wrapped": %d}\n',
      mode, summary.duration, summary.requests, table.concat(parts, ", "),
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.mean, latency.max, latency:percentile(50),
      latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), total_wrapped))
end
