#!/usr/bin/env python3
"""How long the console's class routes take for a full class: 20 trainees who worked every case of a 40-case course.

    python3 scripts/bench-class.py [--cargosim .build/release/cargosim] [--trainees 20] [--cases 40] [--runs 5]

Generates the course (seed 7, the foundation mix), imports it, enrols the trainees and gives them the course as one
class (training mode), has every trainee work every case through the API (alternately stopping and releasing, with a
mark on the scan), then times each route `--runs` times from this machine (loopback) and prints the median and the
slowest, with the answer's size. Uses a temporary folder; needs nothing else running.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "browser"))
from test_console import Session, work_case  # noqa: E402
from test_workspace import PASSWORD, ROOT, Server, read_case, run  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cargosim", default=os.path.join(ROOT, ".build", "release", "cargosim"))
    parser.add_argument("--trainees", type=int, default=20)
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="cargosim-bench-class-")
    server = Server(os.path.abspath(args.cargosim), work)
    cargosim, db = server.cargosim, ["--db", server.db]
    started = time.time()
    run([cargosim, "generate", "--seed", "7", "--count", str(args.cases), "--mix",
         os.path.join(ROOT, "Cases", "curricula", "foundation-40.yaml"), "--out", server.course, "--force",
         "--title", "Bench course"], cwd=ROOT)
    print(f"generated {args.cases} cases in {time.time() - started:.0f} s", flush=True)
    index = json.load(open(os.path.join(server.course, "course.json")))
    cases = [read_case(server.course, c) for c in index["caseIds"]]
    names = [f"bench{i:02d}" for i in range(args.trainees)]
    run([cargosim, "users", "add", "boss", "--role", "instructor", "--password", PASSWORD, "--bcrypt-cost", "4", *db])
    for name in names:
        run([cargosim, "users", "add", name, "--role", "trainee", "--password", PASSWORD, "--bcrypt-cost", "4", *db])
    run([cargosim, "course", "import", server.course, "--keys", os.path.join(server.course, "keys"), *db])
    run([cargosim, "assign", "--course", index["courseId"], "--users", ",".join(names), "--mode", "training", *db])
    server.start()
    try:
        staff = Session(server.url, "boss")
        gid = staff.get("/api/groups")[0]["id"]
        aid = {t["username"]: t["assignmentId"] for t in staff.get(f"/api/groups/{gid}")["trainees"]}
        started = time.time()
        for n, name in enumerate(names):
            session = Session(server.url, name)
            for i, case in enumerate(cases):
                work_case(session, aid[name], case, stop=(i + n) % 3 != 0)
        print(f"{args.trainees} trainees worked {args.cases} cases each in {time.time() - started:.0f} s", flush=True)
        first = cases[0]["id"]
        routes = [
            f"/api/groups/{gid}/progress",
            f"/api/groups/{gid}/report",
            f"/api/groups/{gid}/report.csv",
            f"/api/groups/{gid}/debrief/{first}",
            f"/api/groups/{gid}/attempts/{aid[names[0]]}/cases/{first}",
            f"/api/courses/{index['courseId']}/print/exercise",
            f"/api/courses/{index['courseId']}/print/guide",
        ]
        print(f"{'route':72} {'median ms':>9} {'max ms':>8} {'bytes':>10}")
        for path in routes:
            times, size = [], 0
            for _ in range(args.runs):
                t0 = time.perf_counter()
                body = staff.send("GET", path)
                times.append((time.perf_counter() - t0) * 1000)
                size = len(json.dumps(body) if not isinstance(body, str) else body.encode())
            print(f"{path:72} {statistics.median(times):9.1f} {max(times):8.1f} {size:10,}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
