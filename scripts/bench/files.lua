-- wrk script for the scan throughput runs of `make bench-server`: every thread asks for one file
-- again and again and leaves the bodies to wrk (a Lua response() would copy each body and become
-- the bottleneck). Run with as many threads as connections.
--
--   wrk -t200 -c200 -d10s -s files.lua http://127.0.0.1:PORT -- scan SESSIONS_FILE
--       thread i is trainee i of the sessions file and fetches the scan-high.png of its scan case
--       (the fourth field: aid:cid, screening opened by prepare.py), with its session cookie;
--   wrk -t200 -c200 -d10s -s files.lua http://127.0.0.1:PORT -- file PATHS_FILE
--       thread i fetches line i of PATHS_FILE (cycling), no cookie: nginx serving the same PNGs.

local counter = 0

function setup(thread)
    counter = counter + 1
    thread:set("index", counter)
end

local function lines(path)
    local result = {}
    for line in io.lines(path) do
        if line ~= "" then table.insert(result, line) end
    end
    return result
end

function init(args)
    local mode, source = args[1], args[2]
    local all = lines(source)
    local line = all[(wrk.thread:get("index") - 1) % #all + 1]
    if mode == "file" then
        wrk.path = line
        return
    end
    local fields = {}
    for field in string.gmatch(line, "[^\t]+") do table.insert(fields, field) end
    local aid, cid = string.match(fields[4] or "", "^(%d+):([^,]+)")
    if aid == nil then error("sessions line " .. wrk.thread:get("index") .. " has no scan case") end
    wrk.path = "/api/assignments/" .. aid .. "/cases/" .. cid .. "/scans/scan-high.png"
    wrk.headers["Cookie"] = "cargosim_session=" .. fields[1]
end
