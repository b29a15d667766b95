-- One benchmark case for wrk: requests read from the file in the CASE environment variable.
--
-- Line 1 is the Authorization header value (or empty). Every further line is one subject:
-- its ETag (or empty), then one or more steps "METHOD path body", tab-separated. Each wrk
-- thread takes every n-th subject and goes round them; a subject moves to its next step only
-- after a 2xx answer, and sends the ETag of its last answer as If-Match. A thread holds one
-- connection, so each answer belongs to the thread's last request.

local subjects, authorization = {}, nil
local threads = {}
local counter = 0

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function setup(thread)
  thread:set("number", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local total = tonumber(os.getenv("THREADS"))
  local file = assert(io.open(os.getenv("CASE"), "r"))
  authorization = file:read("*l")
  local index = 0
  for line in file:lines() do
    if index % total == number then
      local fields = split(line)
      local steps = {}
      for i = 2, #fields, 3 do
        table.insert(steps, { method = fields[i], path = fields[i + 1], body = fields[i + 2] })
      end
      table.insert(subjects, { etag = fields[1], steps = steps, step = 1 })
    end
    index = index + 1
  end
  file:close()
  position = 0
  failures = 0
end

function request()
  position = position % #subjects + 1
  local subject = subjects[position]
  local step = subject.steps[subject.step]
  local headers = { ["Content-Type"] = "application/json" }
  if authorization ~= "" then headers["Authorization"] = authorization end
  if subject.etag ~= "" then headers["If-Match"] = subject.etag end
  local body = nil
  if step.body ~= "" then body = step.body end
  return wrk.format(step.method, step.path, headers, body)
end

function response(status, headers, body)
  local subject = subjects[position]
  if status >= 200 and status < 300 then
    subject.step = subject.step % #subject.steps + 1
    if headers["etag"] or headers["ETag"] then
      subject.etag = headers["etag"] or headers["ETag"]
    end
  else
    failures = failures + 1
    if failures <= 3 then io.stderr:write(status .. " " .. body .. "\n") end
  end
end

function done(summary, latency, requests)
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
  end
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "p50_us": %d, "p99_us": %d, "failed": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50), latency:percentile(99),
    failed, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
