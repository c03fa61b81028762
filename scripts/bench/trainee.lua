-- wrk script for `make bench-server`: every wrk thread is one trainee with one connection (run wrk
-- with as many threads as connections), so requests and responses alternate and each can be
-- timed on its own. The trainee's session cookie, CSRF token and cases come from the sessions
-- file written by scripts/bench/prepare.py, one trainee a line.
--
--   CARGOSIM_BENCH_OUT=FILE CARGOSIM_BENCH_RUN=NAME \
--   wrk -t200 -c200 -d20s -s trainee.lua http://127.0.0.1:PORT -- MODE SESSIONS_FILE
--
-- MODE work: the trainee works cases stage by stage as the browser does: open the case view
--            (the "case" call), decide the current stage (POST decisions, the "decision" call;
--            every one is a real, first decision of that stage), fetch the high-energy scan once
--            screening is open ("scan"), examine before the examination decision ("examine").
--            When the trainee has decided every case, it keeps opening case views.
-- MODE case: only case views, cycling through the trainee's cases.
-- A third argument `reverse` works the cases from the last one back: the paced run uses it so that it
-- finds undecided cases however far the work run before it got from the front.
-- (Scan throughput is measured with files.lua, which leaves the bodies to wrk.)
--
-- With CARGOSIM_BENCH_THINK_MS set, every trainee waits that long on average (uniformly 0.5× to 1.5×)
-- before each request, as a person reading a case does: latency at a paced load rather than at
-- saturation, where 200 connections firing back to back measure the queue.
--
-- Each thread keeps its latencies (ms) per call kind; done() merges them, prints the
-- percentiles and appends them to $CARGOSIM_BENCH_OUT as tab-separated lines (run name, call,
-- requests, req/s, p50, p99, max in ms, MB/s).

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } cargosim_timespec;
int clock_gettime(int clock, cargosim_timespec *ts);
]]
local clock = ffi.new("cargosim_timespec")
local function now_ms()
    ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
    return tonumber(clock.tv_sec) * 1000 + tonumber(clock.tv_nsec) / 1e6
end

local threads = {}
local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("index", counter)
    table.insert(threads, thread)
end

-- Per-thread state.
local mode
local cookie, csrf
local cases = {}      -- { {aid=, cid=} ... } in working order
local position = 1
local pending        -- { kind=, started= }
local plan = {}      -- queued requests for the current case: { kind=, method=, path=, body= }
-- Globals, read by done() through thread:get, which copies flat tables only (nested ones crash wrk 4.1).
samples = {}         -- { "kind ms", ... }
bytes = {}           -- kind -> body bytes received
statuses = {}        -- "kind status" -> count
exhausted = 0        -- requests made after the last case was decided
acks = {}            -- "aid cid stage" of every decision answered 201 (with CARGOSIM_BENCH_ACKS: written out)

local function split(text, separator)
    local parts = {}
    for part in string.gmatch(text, "([^" .. separator .. "]+)") do table.insert(parts, part) end
    return parts
end

function init(args)
    mode = args[1]
    local source = args[2]
    local reverse = args[3] == "reverse"
    local index = wrk.thread:get("index")
    math.randomseed(index * 7919)
    local line_number = 0
    for line in io.lines(source) do
        line_number = line_number + 1
        if line_number == index then
            local fields = split(line, "\t")
            cookie, csrf = fields[1], fields[2]
            for _, item in ipairs(split(fields[3], ",")) do
                local pair = split(item, ":")
                table.insert(cases, { aid = pair[1], cid = pair[2] })
            end
        end
    end
    if cookie == nil then error("sessions file " .. source .. " has no line " .. index) end
    if reverse then
        for i = 1, math.floor(#cases / 2) do cases[i], cases[#cases + 1 - i] = cases[#cases + 1 - i], cases[i] end
    end
end

local function case_path(c)
    return "/api/assignments/" .. c.aid .. "/cases/" .. c.cid
end

local dispositions = {
    targeting = "referForScan",
    screening = "targetedExamination",
    examination = "detain",
    evidence = "detain",
}

local function decision_body(stage)
    return '{"stage":"' .. stage .. '","disposition":"' .. dispositions[stage] .. '",'
        .. '"markedRegions":[],"flaggedIndicators":[],"sealFindings":[],"evidenceSteps":[]}'
end

local function headers(with_body)
    local h = { ["Cookie"] = "cargosim_session=" .. (cookie or "") }
    if with_body then
        h["Content-Type"] = "application/json"
        h["X-CSRF-Token"] = csrf
    end
    return h
end

local function next_request()
    if mode == "case" then
        local c = cases[(position - 1) % #cases + 1]
        position = position + 1
        return { kind = "case", method = "GET", path = case_path(c) }
    end
    -- work
    if #plan > 0 then return table.remove(plan, 1) end
    if position > #cases then
        exhausted = exhausted + 1
        local c = cases[(exhausted - 1) % #cases + 1]
        return { kind = "case", method = "GET", path = case_path(c) }
    end
    return { kind = "case", method = "GET", path = case_path(cases[position]), view = true }
end

local think_ms = tonumber(os.getenv("CARGOSIM_BENCH_THINK_MS") or "")
if think_ms ~= nil and think_ms > 0 then
    function delay()
        return math.floor(think_ms * (0.5 + math.random()))
    end
end

function request()
    local r = next_request()
    pending = { kind = r.kind, started = now_ms(), view = r.view, path = r.path, body = r.body }
    local h = headers(r.body ~= nil)
    return wrk.format(r.method, r.path, h, r.body)
end

-- After a case view in work mode: queue what the trainee does next from what the server says.
local function plan_after_view(body)
    local c = cases[position]
    local stage = string.match(body, '"currentStage"%s*:%s*"(%a+)"')
    if stage == nil then
        position = position + 1 -- decided through, or nothing left to decide
        return
    end
    local base = case_path(c)
    if stage == "screening" then
        table.insert(plan, { kind = "scan", method = "GET", path = base .. "/scans/scan-high.png" })
    elseif stage == "examination" and not string.find(body, '"chosenPoints"', 1, true) then
        -- Examine the first point the container offers (case.examination.points), as a trainee must.
        local examination = string.find(body, '"examination"%s*:%s*{')
        local points = examination and string.match(body, '"points"%s*:%s*(%b[])', examination)
        local first = points and string.match(points, '^%[%s*("[^"]*")')
        if first ~= nil then
            table.insert(plan, {
                kind = "examine", method = "POST", path = base .. "/examine", body = '{"points":[' .. first .. ']}',
            })
        end
    end
    table.insert(plan, { kind = "decision", method = "POST", path = base .. "/decisions", body = decision_body(stage) })
end

function response(status, _, body)
    local elapsed = now_ms() - pending.started
    local kind = pending.kind
    samples[#samples + 1] = kind .. " " .. elapsed
    bytes[kind] = (bytes[kind] or 0) + (body and #body or 0)
    local key = kind .. " " .. status
    statuses[key] = (statuses[key] or 0) + 1
    if kind == "decision" and status == 201 then
        local aid, cid = string.match(pending.path, "^/api/assignments/(%d+)/cases/([^/]+)/decisions$")
        local stage = string.match(pending.body, '"stage":"(%a+)"')
        acks[#acks + 1] = aid .. " " .. cid .. " " .. stage
    end
    if mode == "work" and pending.view then
        if status == 200 then plan_after_view(body) else position = position + 1 end
    end
end

local function percentile(sorted, p)
    if #sorted == 0 then return 0 end
    local rank = math.max(1, math.ceil(p / 100 * #sorted))
    return sorted[rank]
end

function done(summary, latency, requests)
    local merged, total_bytes, merged_statuses, total_exhausted = {}, {}, {}, 0
    local acks_file = os.getenv("CARGOSIM_BENCH_ACKS")
    local acks_out = acks_file and io.open(acks_file, "w") or nil
    for _, thread in ipairs(threads) do
        if acks_out then
            for _, ack in ipairs(thread:get("acks") or {}) do acks_out:write(ack .. "\n") end
        end
        for _, record in ipairs(thread:get("samples") or {}) do
            local kind, value = string.match(record, "^(%S+) (%S+)$")
            merged[kind] = merged[kind] or {}
            table.insert(merged[kind], tonumber(value))
        end
        for kind, n in pairs(thread:get("bytes") or {}) do total_bytes[kind] = (total_bytes[kind] or 0) + n end
        for key, n in pairs(thread:get("statuses") or {}) do merged_statuses[key] = (merged_statuses[key] or 0) + n end
        total_exhausted = total_exhausted + (thread:get("exhausted") or 0)
    end
    local seconds = summary.duration / 1e6
    local out_file = os.getenv("CARGOSIM_BENCH_OUT")
    local run = os.getenv("CARGOSIM_BENCH_RUN") or "run"
    local out = out_file and io.open(out_file, "a") or nil
    io.write(string.format("%-9s %9s %9s %9s %9s %9s %10s\n", "call", "requests", "req/s", "p50 ms", "p99 ms", "max ms", "MB/s"))
    local kinds = {}
    for kind in pairs(merged) do table.insert(kinds, kind) end
    table.sort(kinds)
    for _, kind in ipairs(kinds) do
        local values = merged[kind]
        table.sort(values)
        local mbps = total_bytes[kind] / seconds / 1e6
        local line = string.format("%-9s %9d %9.0f %9.2f %9.2f %9.2f %10.1f", kind, #values, #values / seconds,
            percentile(values, 50), percentile(values, 99), values[#values], mbps)
        io.write(line .. "\n")
        if out then
            out:write(string.format("%s\t%s\t%d\t%.1f\t%.3f\t%.3f\t%.3f\t%.2f\n", run, kind, #values, #values / seconds,
                percentile(values, 50), percentile(values, 99), values[#values], mbps))
        end
    end
    local keys = {}
    for key in pairs(merged_statuses) do table.insert(keys, key) end
    table.sort(keys)
    local parts = {}
    for _, key in ipairs(keys) do table.insert(parts, key .. ": " .. merged_statuses[key]) end
    io.write("statuses: " .. table.concat(parts, ", ") .. "\n")
    if total_exhausted > 0 then
        io.write("case views after the trainee had decided every case: " .. total_exhausted .. "\n")
    end
    io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d; non-2xx/3xx %d\n",
        summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status))
    if out then out:close() end
    if acks_out then acks_out:close() end
end
