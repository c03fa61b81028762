#!/usr/bin/env python3
"""Browser test of the instructor console's class views, in a real headless Chromium driven by selenium.

    python3 Tests/browser/test_console.py [--cargosim .build/debug/cargosim] [--out DIR] [--keep]

It generates a small fixture course (4 cases), creates a temporary database with an instructor and three
trainees, imports the course and gives it to the three as one class (training mode), has the trainees work
cases through the API (one finishes every case, one two cases, one stops half way), starts `cargosim serve`
on a free port and then, at 1366×768, as the instructor:

  * signs in, opens the class from the classes page and reads its progress: who is on which case and stage,
    the submitted counts and the time per stage, which follow a trainee's next decision without a reload;
  * reads the results: the cohort's H, F, d′ and c as the report route gives them, the charts (SVG with a title,
    a description and labelled axes), a breakdown for one trainee, and a CSV of a table;
  * reads the item analysis;
  * opens a trainee's attempt in the feedback view (score, stages, the scan with the key's regions and the
    trainee's marks);
  * opens the debrief: the scan with the key and the heat map, the decisions against the key, the flagged
    indicators, the rationale in Spanish when chosen, no names until chosen;
  * opens the paper exercise and the marking guide, with their pictures.

Screenshots go to --out (default: .build/browser-test/console, emptied first). Fails on any script error in
the browser's console.
"""

import argparse
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_workspace import PASSWORD, ROOT, Browser, Server, check, read_case, report_failure, run  # noqa: E402

TRAINEES = ("trainee1", "trainee2", "trainee3")


class ConsoleServer(Server):
    """The fixture course given to three trainees as one class, with an instructor."""

    def prepare(self):
        print("generating the fixture course (4 cases)…", flush=True)
        run([self.cargosim, "generate", "--seed", "424242", "--count", "4", "--out", self.course, "--force", "--title",
             "Foundation practice, Callao"], cwd=ROOT)
        index = json.load(open(os.path.join(self.course, "course.json")))
        self.course_id = index["courseId"]
        self.case_ids = index["caseIds"]
        self.cases = {c: read_case(self.course, c) for c in self.case_ids}
        db = ["--db", self.db]
        people = [("instructor", "instructor", "Ines Instructor")] + [
            (name, "trainee", name.replace("trainee", "Trainee ")) for name in TRAINEES
        ]
        for user, role, display in people:
            run([self.cargosim, "users", "add", user, "--name", display, "--role", role, "--language", "en",
                 "--password", PASSWORD, "--bcrypt-cost", "4", *db], cwd=ROOT)
        run([self.cargosim, "course", "import", self.course, "--keys", os.path.join(self.course, "keys"), *db], cwd=ROOT)
        run([self.cargosim, "assign", "--course", self.course_id, "--users", ",".join(TRAINEES), "--mode", "training",
             *db], cwd=ROOT)


class Session:
    """A signed-in API client (cookie and CSRF token), for the trainees' work and for checking figures."""

    def __init__(self, url, username):
        self.url = url
        answer = self.send("POST", "/api/login", {"username": username, "password": PASSWORD}, raw=True)
        self.cookie = answer["cookie"]
        self.csrf = answer["body"]["csrfToken"]

    def send(self, method, path, body=None, raw=False):
        headers = {"Content-Type": "application/json"}
        if not raw:
            headers["Cookie"] = f"cargosim_session={self.cookie}"
            if method != "GET":
                headers["X-CSRF-Token"] = self.csrf
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:
                status, text, cookie = answer.status, answer.read().decode(), answer.headers.get("Set-Cookie", "")
        except urllib.error.HTTPError as error:
            status, text, cookie = error.code, error.read().decode(), ""
        check(status < 400, f"{method} {path}: {status} {text[:300]}")
        body = json.loads(text) if text and text[0] in "[{" else text
        return {"status": status, "body": body, "cookie": cookie.split(";")[0].split("=", 1)[-1]} if raw else body

    def get(self, path):
        return self.send("GET", path)

    def post(self, path, body):
        return self.send("POST", path, body)


def work_case(session, aid, case, stop, through=None):
    """Works a case's stages: `stop` keeps the box (flags an indicator, marks the scan's middle), else releases."""
    base = f"/api/assignments/{aid}/cases/{case['id']}"
    keep = {"targeting": "targetedExamination", "screening": "targetedExamination", "examination": "detain",
            "evidence": "detain"}
    for stage in case["stages"]:
        view = session.get(base)
        if stage in view["decided"]:
            continue
        body = {"stage": stage, "disposition": keep[stage] if stop else "release"}
        if stage == "targeting" and stop:
            body["flaggedIndicators"] = ["newConsignee"]
        if stage == "screening":
            scan = next(s for s in case["screening"]["scans"] if s["file"] == "scan.png")
            w, h = scan["widthPixels"], scan["heightPixels"]
            x = w // 3 if stop else w // 2
            body["markedRegions"] = [{"scan": "scan.png", "shape": {"type": "rectangle", "x": x, "y": h // 4,
                                                                   "width": w // 5, "height": h // 2}}]
        if stage == "examination":
            session.post(base + "/examine", {"points": view["case"]["examination"]["points"][:1]})
        session.post(base + "/decisions", body)
        if stage == through:
            return


class ConsoleTest:
    def __init__(self, server, browser):
        self.server = server
        self.b = browser
        self.pages = {}

    def wait_for(self, css, message, timeout=30):
        return self.b.wait(lambda: self.b.finds(css), message, timeout)

    def svg_checks(self, css, rows=None):
        """The chart is an accessible SVG: role img, a title and a description, axis labels."""
        chart = self.b.find(css)
        info = self.b.js(
            "const s = arguments[0]; return {role: s.getAttribute('role'), title: s.querySelector('title')?.textContent,"
            "desc: s.querySelector('desc')?.textContent, labelled: s.getAttribute('aria-labelledby'),"
            "axes: s.querySelectorAll('.axis-label').length, bars: s.querySelectorAll('.bar').length,"
            "width: s.getBoundingClientRect().width}", chart)
        check(info["role"] == "img" and info["title"] and info["desc"] and info["labelled"], f"{css}: {info}")
        check(info["axes"] >= 1, f"{css} has no axis label: {info}")
        check(info["width"] > 200, f"{css} is not drawn: {info}")
        if rows is not None:
            check(info["bars"] == rows, f"{css}: {info['bars']} bars, expected {rows}")
        return info

    def run(self):
        s, b = self.server, self.b
        sessions = {name: Session(s.url, name) for name in TRAINEES}
        staff = Session(s.url, "instructor")
        groups = staff.get("/api/groups")
        check(len(groups) == 1, f"one class expected: {groups}")
        gid = groups[0]["id"]
        group = staff.get(f"/api/groups/{gid}")
        aid = {t["username"]: t["assignmentId"] for t in group["trainees"]}
        cases = [s.cases[c] for c in s.case_ids]
        scanned = [c for c in cases if "screening" in c["stages"]]
        check(scanned, "the fixture course has a case with a scan")
        for i, case in enumerate(cases):
            work_case(sessions["trainee1"], aid["trainee1"], case, stop=True)
            if i < 2:
                work_case(sessions["trainee2"], aid["trainee2"], case, stop=i == 0)
        half = scanned[-1]
        work_case(sessions["trainee3"], aid["trainee3"], half, stop=True, through="targeting")

        # Sign in; the console opens on the classes.
        b.d.get(s.url + "/")
        self.wait_for("#login-form", "the log-in form")
        b.find("#username").send_keys("instructor")
        b.find("#password").send_keys(PASSWORD)
        b.find("#login-button").click()
        self.wait_for("#class-table", "the classes page")
        b.find(f"#class-table [data-group='{gid}'] a").click()

        # Progress.
        self.wait_for("#progress-table tbody tr", "the class's progress")
        b.wait(lambda: "6 / 12" in b.find("#stat-submitted").text, "6 of 12 cases submitted")
        rows = b.finds("#progress-table tbody tr")
        check(len(rows) == 3, f"three trainees in the grid, got {len(rows)}")
        row3 = b.find("#progress-table tr[data-user='trainee3']")
        check(half["id"] in row3.text and "Screening" in row3.text, f"trainee3 is on {half['id']} screening: {row3.text}")
        check(len(b.finds("#progress-table tr[data-user='trainee1'] td.cell.submitted")) == 4, "trainee1 submitted 4")
        check("Targeting" in b.find("#stage-time-table").text, "time per stage")
        b.shot("console-progress")
        # Live: trainee3 decides screening; the grid follows without a reload.
        work_case(sessions["trainee3"], aid["trainee3"], half, stop=True, through="screening")
        next_stage = half["stages"][2] if len(half["stages"]) > 2 else None
        if next_stage:
            label = {"examination": "Physical examination", "evidence": "Evidence"}.get(next_stage, next_stage)
            b.wait(lambda: label.split()[0] in b.find("#progress-table tr[data-user='trainee3'] td.now").text,
                   "the progress to follow trainee3's decision", timeout=20)
        check(b.find("#live-status").text.startswith("Live"), "the live status line")

        # Results: the cohort's figures as the report route gives them.
        report = staff.get(f"/api/groups/{gid}/report")
        b.find("[data-tab='results']").click()
        self.wait_for("#chart-dprime", "the results")
        d = report["cohort"]["detection"]
        dprime = b.find("#stat-dprime .value").text
        check(dprime.startswith(f"{d['dPrime']:.2f}"), f"d′ {dprime} against the report's {d['dPrime']}")
        self.svg_checks("#chart-dprime", rows=len(report["trainees"]) + 1)
        self.svg_checks("#chart-rates", rows=2 * len(report["trainees"]))
        self.svg_checks("#chart-kind")
        self.svg_checks("#chart-stage", rows=len(report["cohortByStage"]))
        self.svg_checks("#chart-learning")
        b.shot("console-results")
        csv = b.js_async("const a = document.querySelector('#figure-trainees .csv a');"
                         "return await (await fetch(a.href)).text();")
        check(csv.startswith("subject,attempts,hits") and "Trainee 1" in csv, f"the trainees' CSV: {csv[:200]}")
        server_csv = b.js_async("return await (await fetch(document.getElementById('report-csv').href)).text();")
        check(server_csv.startswith("trainee,attempts,hits"), f"the report CSV: {server_csv[:100]}")
        from selenium.webdriver.support.ui import Select

        Select(b.find("#results-subject")).select_by_value("trainee1")
        b.wait(lambda: "Trainee 1" in b.find("#figure-kind h2").text, "the breakdowns of trainee1")
        b.js("document.getElementById('results-subject').scrollIntoView()")
        b.shot("console-breakdowns")

        # Items.
        b.find("[data-tab='items']").click()
        self.wait_for("#chart-items", "the item analysis")
        check(len(b.finds("#item-table tbody tr")) == len(cases), "one row per case")
        check(len(b.finds("#chart-items circle.dot")) >= 1, "points in the scatter")
        b.shot("console-items")

        # A trainee's attempt, in the feedback view.
        b.find("[data-tab='progress']").click()
        self.wait_for("#progress-table", "the progress again")
        target = scanned[0]["id"]
        b.find(f"#progress-table tr[data-user='trainee1'] a[data-case='{target}']").click()
        self.wait_for("#feedback", "the attempt's feedback")
        own = sessions["trainee1"].get(f"/api/assignments/{aid['trainee1']}/cases/{target}/feedback")
        score = b.find("#feedback-score").text
        check(score.startswith(str(round(own["score"] * 100))), f"the score {score} is the trainee's {own['score']}")
        b.wait(lambda: b.js("const c = document.getElementById('scan-canvas'); return c && c.width > 0 &&"
                            " !document.querySelector('.viewer-loading:not([hidden])')"), "the scan in the viewer")
        check(len(b.finds("#attempt-decisions tbody tr")) == len(scanned[0]["stages"]), "the decisions")
        b.shot("console-attempt")
        b.js("document.getElementById('viewer').scrollIntoView()")
        b.shot("console-attempt-scan")

        # The debrief.
        b.d.get(s.url + f"/#/console/classes/{gid}/debrief/{target}")
        self.wait_for("#debrief-rationale li", "the debrief")
        text = b.find("#debrief").text
        for name in ("Trainee 1", "Trainee 2", "Trainee 3"):
            check(name not in text, f"no names unless chosen, but {name} shows")
        debrief = staff.get(f"/api/groups/{gid}/debrief/{target}?lang=en")
        check(len(b.finds(".stage-chart svg")) == len(debrief["stages"]), "a chart per stage")
        for i, stage in enumerate(debrief["stages"]):
            self.svg_checks(f"#chart-stage-{stage['stage']}", rows=len(stage["choices"]))
        check(b.finds("#debrief-scan svg .heat rect"), "the heat map of the marks")
        check(len(b.finds("#debrief-scan svg .key-region")) == len(debrief["regions"]), "the key's regions")
        check(b.js("return document.querySelector('#debrief-scan img').naturalWidth") > 0, "the scan image")
        check(b.find("#debrief-rationale").text.split("\n")[0] == debrief["rationale"][0], "the rationale")
        size = b.js("return parseFloat(getComputedStyle(document.getElementById('debrief')).fontSize)")
        check(size >= 20, f"large type for a projector: {size}px")
        b.shot("debrief")
        b.js("document.querySelector('.stage-charts').scrollIntoView()")
        b.shot("debrief-decisions")
        Select(b.find("#debrief-lang")).select_by_value("es")
        spanish = staff.get(f"/api/groups/{gid}/debrief/{target}?lang=es")["rationale"]
        b.wait(lambda: b.find("#debrief-rationale").text.split("\n")[0] == spanish[0], "the rationale in Spanish")
        b.find("#debrief-names").click()
        self.wait_for("#debrief-names-list", "the names, once chosen")
        check("Trainee 1" in b.find("#debrief-names-list").text, "names shown")
        b.js("document.getElementById('debrief-names-list').scrollIntoView()")
        b.shot("debrief-names")
        b.find("#debrief-names").click()
        b.wait(lambda: not b.finds("#debrief-names-list"), "the names hidden again")
        if debrief["nextCaseId"]:
            b.find("#debrief-next").click()
            b.wait(lambda: debrief["nextCaseId"] in b.find("#debrief h1").text, "the next case")

        # In Spanish: the class's results (the longest labels), to look at.
        Select(b.find("#language-select")).select_by_value("es")
        b.d.get(s.url + f"/#/console/classes/{gid}/results")
        b.wait(lambda: b.finds("#chart-dprime") and "Resultados" in b.find(".tabs").text, "the results in Spanish")
        b.shot("console-results-es")
        Select(b.find("#language-select")).select_by_value("en")
        b.wait(lambda: "Results" in b.find(".tabs").text, "back in English")
        self.console = self.b.console()

        # The printed packs (pages of their own: the app's log is read above).
        guide_text = None
        for kind in ("exercise", "guide"):
            b.d.get(s.url + f"/#/console/classes/{gid}")
            self.wait_for(f"#print-{kind}", "the print links")
            href = b.find(f"#print-{kind}").get_attribute("href")
            b.d.get(href)
            b.wait(lambda: b.finds("section.page"), f"the {kind} pages")
            b.wait(lambda: b.js("return Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"),
                   f"the {kind}'s pictures")
            page = b.text()
            for case in cases:
                check(case["id"] in page, f"the {kind} shows {case['id']}")
            if kind == "exercise":
                bl = cases[0]["targeting"]["billOfLading"]
                check(bl["number"] in page and bl["containerNumber"] in page, "the exercise shows the papers")
                exercise_text = page
            else:
                guide_text = page
                check("Instructor only" in page, "the guide says it holds the key")
            b.shot(f"print-{kind}")
            # Printed as the browser would: A4 pages, a page per stage (exercise) or per case (guide), after a cover.
            pdf = base64.b64decode(b.d.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True})["data"])
            open(os.path.join(b.out, f"print-{kind}.pdf"), "wb").write(pdf)
            pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
            least = 1 + (sum(len(c["stages"]) for c in cases) if kind == "exercise" else len(cases))
            check(pages >= least, f"the {kind} prints on {pages} pages; at least {least} expected")
            self.pages[kind] = pages
            b.js("document.querySelector('section.page.wide')?.scrollIntoView()")
            b.shot(f"print-{kind}-scan")
        rationale_lines = [line for c in cases for line in staff.get(f"/api/groups/{gid}/debrief/{c['id']}?lang=en")["rationale"]]
        for line in rationale_lines:
            check(line in guide_text, f"the guide gives the rationale: {line}")
            check(line not in exercise_text, f"the exercise gives away the rationale: {line}")

        # No script error on the way; the only failed request is the session check before signing in. (The log
        # is read once at the end: Chromium hands each entry over once.)
        expected = "/api/me - Failed to load resource: the server responded with a status of 401"
        errors = [line for line in self.console if "SEVERE" in line or "Uncaught" in line or "Failed" in line]
        errors = [line for line in errors if expected not in line]
        check(not errors, f"the browser's console has errors: {errors[:5]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cargosim", default=os.path.join(ROOT, ".build", "debug", "cargosim"))
    parser.add_argument("--out", help="folder for screenshots (default: .build/browser-test/console)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary course and database")
    args = parser.parse_args()
    check(os.access(args.cargosim, os.X_OK), f"{args.cargosim} is not there; build it first (swift build)")
    work = tempfile.mkdtemp(prefix="cargosim-console-")
    out = args.out or os.path.join(ROOT, ".build", "browser-test", "console")
    if not args.out:
        shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    server = ConsoleServer(os.path.abspath(args.cargosim), work)
    browser = None
    started = time.time()
    try:
        server.prepare()
        server.start()
        browser = Browser(out)
        test = ConsoleTest(server, browser)
        test.run()
        print(f"console browser test passed in {time.time() - started:.0f} s; screenshots in {out}")
        print(f"printed: exercise {test.pages['exercise']} pages, marking guide {test.pages['guide']} pages (PDFs in {out})")
        for name in browser.shots:
            print(f"  {name}")
        return 0
    except Exception as error:
        report_failure("CONSOLE BROWSER TEST", error, browser, server)
        args.keep = True
        return 1
    finally:
        if browser:
            browser.quit()
        server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


if __name__ == "__main__":
    sys.exit(main())
