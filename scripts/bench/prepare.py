#!/usr/bin/env python3
"""Signs in the bench trainees and writes the sessions file that the wrk scripts read.

Usage: prepare.py BASE_URL PASSWORD SESSIONS_FILE USERNAME...

For every trainee (one line each, in the order given): log in, list the assignments and their
cases, and open the screening stage of one case (a real targeting decision) so that its scans
can be fetched. The line is: cookie, CSRF token, every case as aid:cid (work order), the scan
case as aid:cid — tab-separated. Prints how many cases and decisions the trainees have.
Fails loudly (non-zero exit, the call and the answer) on anything unexpected: the figures of a
bench with broken set-up would mean nothing.
"""

import http.client
import json
import sys
import urllib.parse


class Client:
    def __init__(self, base):
        parsed = urllib.parse.urlparse(base)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        self.cookie = None
        self.csrf = None

    def call(self, method, path, body=None, expect=(200,)):
        headers = {"Accept": "application/json"}
        if self.cookie:
            headers["Cookie"] = "cargosim_session=" + self.cookie
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
            if self.csrf:
                headers["X-CSRF-Token"] = self.csrf
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        if response.status not in expect:
            sys.exit(f"prepare: {method} {path} answered {response.status}: {payload[:300]!r}")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("cargosim_session="):
                self.cookie = value.split(";", 1)[0].split("=", 1)[1]
        return json.loads(payload) if payload and response.getheader("Content-Type", "").startswith("application/json") else None


DISPOSITION = {
    "targeting": "referForScan",
    "screening": "targetedExamination",
    "examination": "detain",
    "evidence": "detain",
}


def decision(stage):
    return {
        "stage": stage,
        "disposition": DISPOSITION[stage],
        "markedRegions": [],
        "flaggedIndicators": [],
        "sealFindings": [],
        "evidenceSteps": [],
    }


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    base, password, out_path, usernames = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    lines = []
    total_cases = 0
    total_stages = 0
    stages = {}
    for username in usernames:
        client = Client(base)
        signed_in = client.call("POST", "/api/login", {"username": username, "password": password})
        client.csrf = signed_in["csrfToken"]
        if not client.cookie:
            sys.exit(f"prepare: logging in {username} set no cargosim_session cookie")
        cases = []
        scan_case = None
        for assignment in client.call("GET", "/api/assignments"):
            aid = assignment["id"]
            detail = client.call("GET", f"/api/assignments/{aid}")
            for entry in sorted(detail["cases"], key=lambda c: c["position"]):
                cases.append((aid, entry["caseId"]))
        for aid, cid in cases:
            if cid not in stages:  # the same course for every trainee: its stages are asked for once
                stages[cid] = client.call("GET", f"/api/assignments/{aid}/cases/{cid}")["stages"]
            total_stages += len(stages[cid])
            if scan_case is None and stages[cid][:2] == ["targeting", "screening"]:
                view = client.call("GET", f"/api/assignments/{aid}/cases/{cid}")  # shown, as in the browser
                if view["currentStage"] != "targeting":
                    sys.exit(f"prepare: {username}'s case {cid} is at {view['currentStage']}, not targeting; use a fresh database")
                client.call("POST", f"/api/assignments/{aid}/cases/{cid}/decisions", decision("targeting"), expect=(201,))
                scan_case = (aid, cid)
        if scan_case is None:
            sys.exit(f"prepare: {username} has no case with a screening stage; generate the course with scans")
        total_cases += len(cases)
        work = ",".join(f"{aid}:{cid}" for aid, cid in cases)
        lines.append(f"{client.cookie}\t{client.csrf}\t{work}\t{scan_case[0]}:{scan_case[1]}")
    with open(out_path, "w") as out:
        out.write("\n".join(lines) + "\n")
    print(f"prepare: {len(usernames)} trainees signed in; {total_cases} cases with {total_stages} stages to decide "
          f"({total_stages - len(usernames)} after opening one screening each)")


if __name__ == "__main__":
    main()
