#!/usr/bin/env python3
"""Browser test of the instructor console's pages (courses, case authoring, people, audit), in a real headless
Chromium driven by selenium.

    python3 Tests/browser/test_console_pages.py [--cargosim .build/debug/cargosim] [--out DIR] [--keep]

On a fresh database with an instructor and an admin made by `cargosim users add`, `cargosim serve` on a free
port, and then at 1366×768:

  * the instructor signs in and lands on the console; the empty library says so;
  * makes a small course in the browser (3 cases): a mix with a mistake (prevalence 1.5) is refused with
    the problem next to its field; corrected, the job's progress is watched live, survives a reload, and
    ends with a link to the new course; the library lists it with its counts;
  * opens the course's cases and previews one as the trainee sees it, stage by stage, with the key beside
    each stage (expected decisions, the key's boxes on the scan, the rationale in words), the whole key,
    and shows the course seed after the warning;
  * imports a packed course (.tar.gz, made by `cargosim generate`), after a file that is no archive and a
    damaged copy of the course, which fail with every problem listed (file, field, line) and leave nothing;
  * authors a spec with an unknown commodity, sees the error next to the goods field, corrects it,
    previews the case (papers, scan, door, key), saves it, downloads its YAML and checks it with
    `cargosim validate`;
  * enrols two trainees from a CSV: first with a bad line (the problem listed by line and field, nobody
    added), then corrected (the generated passwords shown once in a dialog); resets a password, disables
    and enables an account; makes a cohort of the two;
  * assigns the new course to the cohort in test mode on the classes page; a trainee signs in with the
    password the dialog gave and sees the assignment;
  * switches the language of a console page to Spanish and Portuguese (texts change);
  * as the admin, reads the audit log with its CSV download.

Screenshots of every page go to --out (default: .build/browser-test/console-pages, emptied first); on failure the
test prints a screenshot of the moment, the browser's console and the server's log, and exits 1.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_workspace import ROOT, PASSWORD, Browser, Failure, check, free_port, run  # noqa: E402


class Server:
    """`cargosim serve` on a fresh database with one instructor and one admin; nothing else."""

    def __init__(self, cargosim, work):
        self.cargosim = cargosim
        self.work = work
        self.db = os.path.join(work, "server.sqlite")
        self.process = None
        self.log_path = os.path.join(work, "server.log")

    def prepare(self):
        for user, role, name in (("teacher", "instructor", "Marta Quispe"), ("chief", "admin", "Rosa Almeida")):
            run([self.cargosim, "users", "add", user, "--name", name, "--role", role, "--language", "en",
                 "--password", PASSWORD, "--bcrypt-cost", "4", "--db", self.db], cwd=ROOT)
        # a course folder to upload, packed as the console takes it, and an archive that is not one
        print("generating a course to upload (2 cases, no scans)…", flush=True)
        folder = os.path.join(self.work, "upload", "week0")
        run([self.cargosim, "generate", "--seed", "console-upload", "--count", "2", "--no-scans", "--quiet",
             "--out", folder, "--title", "Uploaded week 0", "--force"], cwd=ROOT)
        self.upload_id = json.load(open(os.path.join(folder, "course.json")))["courseId"]
        self.archive = os.path.join(self.work, "week0.tar.gz")
        run(["tar", "czf", self.archive, "-C", os.path.dirname(folder), "week0"])
        # the same course with one case file changed after it was written: it must not validate
        damaged = os.path.join(self.work, "damaged", "week0")
        shutil.copytree(folder, damaged)
        case_file = sorted(os.listdir(os.path.join(damaged, "cases")))[0]
        self.damaged_file = f"cases/{case_file}/case.json"
        with open(os.path.join(damaged, self.damaged_file), "a") as out:
            out.write(" ")
        self.damaged = os.path.join(self.work, "damaged.tar.gz")
        run(["tar", "czf", self.damaged, "-C", os.path.dirname(damaged), "week0"])
        self.broken = os.path.join(self.work, "broken.zip")
        with open(self.broken, "wb") as out:
            out.write(b"this is not a zip archive\n")

    def start(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [self.cargosim, "serve", "--db", self.db, "--port", str(self.port)],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            check(self.process.poll() is None, f"cargosim serve exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise Failure(f"cargosim serve did not answer /api/health within 60 s; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def log_tail(self):
        try:
            return open(self.log_path).read()[-4000:]
        except OSError:
            return ""


class ConsoleTest:
    def __init__(self, server, browser):
        self.s = server
        self.b = browser

    # ---- helpers ------------------------------------------------------------------------------

    def api(self, method, path, body=None, raw=False):
        """A request with the browser's session cookie (and CSRF token for changes), sent from here."""
        cookie = self.b.d.get_cookie("cargosim_session")
        check(cookie is not None, "the browser holds no session cookie")
        headers = {"Cookie": f"cargosim_session={cookie['value']}", "Content-Type": "application/json"}

        def send(method, path, body):
            data = None if body is None else json.dumps(body).encode()
            request = urllib.request.Request(self.s.url + path, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    status, content = answer.status, answer.read()
                    disposition = answer.headers.get("Content-Disposition")
            except urllib.error.HTTPError as error:
                status, content, disposition = error.code, error.read(), None
            if raw:
                return {"status": status, "bytes": content, "disposition": disposition}
            text = content.decode()
            return {"status": status, "body": json.loads(text) if text else None}

        if method != "GET":
            headers["X-CSRF-Token"] = send("GET", "/api/me", None)["body"]["csrfToken"]
        return send(method, path, body)

    def text_of(self, key):
        """A text of the English table (the browser is in English here)."""
        return json.load(open(os.path.join(ROOT, "Assets", "i18n", "en.json")))[key]

    def go(self, hash_path, ready, message, timeout=30):
        self.b.d.get(f"{self.s.url}/#/{hash_path}")
        return self.b.wait(lambda: self.b.finds(ready), message, timeout)

    def login(self, username, password=PASSWORD, staff=True):
        b = self.b
        b.d.get(self.s.url + "/")
        b.wait(lambda: b.finds("#login-form") or b.finds("#logout"), "the log-in form")
        if b.finds("#logout"):
            b.find("#logout").click()
            b.wait(lambda: b.finds("#login-form"), "the log-in form after signing out")
        b.find("#username").send_keys(username)
        b.find("#password").send_keys(password)
        b.find("#login-button").click()
        if staff:
            b.wait(lambda: b.finds(".console-nav"), f"the console after {username} signs in")
        else:
            b.wait(lambda: b.finds("[data-assignment]") or "No assignments" in b.text(), f"{username}'s assignments")

    def type(self, css, text, clear=True):
        element = self.b.find(css)
        if clear:
            element.clear()
        element.send_keys(text)
        return element

    def select(self, css, value):
        from selenium.webdriver.support.ui import Select

        Select(self.b.find(css)).select_by_value(value)

    def field_error(self, field):
        """The text of the problem shown next to `[data-field=field]`, or ''."""
        return self.b.js("const h = document.querySelector(`[data-field='${arguments[0]}']`);"
                         "return h ? Array.from(h.querySelectorAll(':scope > .field-error')).map(e => e.textContent).join(' ') : '';",
                         field)

    def shot(self, name, full=False):
        """A screenshot at 1366×768 (or the whole page's height, up to 3000 px, when `full`)."""
        d = self.b.d
        if full:
            height = min(3000, max(768, self.b.js("return document.documentElement.scrollHeight")))
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": 1366, "height": height, "deviceScaleFactor": 1, "mobile": False})
            time.sleep(0.3)
        path = self.b.shot(name)
        if full:
            d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                              {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})
        return path

    def labelled(self, where):
        """Every input, select and textarea of the page has a label (label[for], a wrapping label or aria-label)."""
        missing = self.b.js(
            "return Array.from(document.querySelectorAll('main input, main select, main textarea, dialog input'))"
            ".filter(e => e.type !== 'hidden' && !e.closest('[hidden]'))"
            ".filter(e => !(e.id && document.querySelector(`label[for='${CSS.escape(e.id)}']`)) && !e.closest('label')"
            " && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby'))"
            ".map(e => e.outerHTML.slice(0, 120))")
        check(not missing, f"{where}: inputs without a label: {missing}")

    def no_raw_keys(self, where):
        """No i18n key shows on the page as itself (a missing text)."""
        text = self.b.text()
        raw = re.findall(r"\b(?:web|label|rationale|scenario|anomaly|stage|disposition)\.[a-zA-Z]+(?:\.[a-zA-Z]+)*\b", text)
        check(not raw, f"{where}: texts missing from the tables: {sorted(set(raw))[:8]}")

    # ---- the steps ----------------------------------------------------------------------------

    def run(self):
        self.login("teacher")
        self.library_empty()
        course_id = self.make_course()
        case_id = self.course_and_preview(course_id)
        self.import_course()
        self.author_spec()
        passwords = self.enrol()
        self.cohort()
        self.assign(course_id)
        self.trainee_sees(passwords["ana.perez"])
        self.test_worked_then_released(course_id)
        self.login("teacher")
        self.languages()
        self.admin_audit()
        return case_id

    def library_empty(self):
        b = self.b
        self.go("console/courses", "#no-course", "the empty library")
        check(not b.finds("#course-table"), "an empty library shows no table")
        self.shot("courses-empty")
        self.go("console/authoring", "#no-spec", "the empty spec library")
        self.go("console/people/cohorts", "#cohort-form", "the cohorts page with no cohort")

    def make_course(self):
        b = self.b
        self.go("console/courses/new", "#course-form", "the new-course form")
        b.wait(lambda: len(b.finds("#course-starter option")) > 1, "the starter curricula")
        # a starter fills the mix
        self.select("#course-starter", "0")
        b.wait(lambda: b.find("#mix-prevalence").get_attribute("value") != "", "the starter's values in the form")
        check(b.find("#mix-scenario-clean").get_attribute("value") != "", "the starter's topic weights")
        b.find("#clear-weights").click()
        self.type("#course-title", "Week 1 — paperwork drill")
        self.type("#mix-count", "3")
        self.type("#mix-prevalence", "1.5")
        self.type("#mix-targetingOnly", "0")
        self.type("#mix-difficultyStart", "1")
        self.type("#mix-difficultyEnd", "3")
        self.type("#course-seed-input", "demo")
        b.wait(lambda: b.find("#seed-warning").is_displayed(), "the warning for a seed that can be guessed")
        b.find("#course-seed-input").clear()
        b.find("#course-seed-input").send_keys(" ")
        b.find("#course-seed-input").clear()
        self.labelled("the new-course form")
        self.shot("course-new", full=True)
        b.find("#course-submit").click()
        b.wait(lambda: self.field_error("mix.prevalence"), "the prevalence problem next to its field")
        check(b.find("#mix-prevalence").get_attribute("aria-invalid") == "true", "the prevalence input is marked invalid")
        b.js("document.querySelector(`[data-field='mix.prevalence']`).scrollIntoView({block: 'center'})")
        self.shot("course-new-error")
        self.type("#mix-prevalence", "0.67")
        b.find("#course-submit").click()
        b.wait(lambda: "/console/courses/jobs/" in b.d.current_url, "the job page after submitting")
        job_id = b.d.current_url.rsplit("/", 1)[1]
        b.wait(lambda: b.finds("#job"), "the job's progress")
        self.shot("job-running")
        # the job survives a reload: its progress can be watched again
        b.d.refresh()
        b.wait(lambda: b.finds("#job"), "the job's progress after a reload")
        b.wait(lambda: b.find("#job").get_attribute("data-state") in ("done", "failed"), "the job to end", timeout=240)
        check(b.find("#job").get_attribute("data-state") == "done", f"the job failed: {b.text()[:600]}")
        bar = b.find("#job [role=progressbar]")
        check(bar.get_attribute("aria-valuenow") == "3" and bar.get_attribute("aria-valuemax") == "3",
              "the finished job's bar shows 3 of 3")
        self.shot("job-done")
        b.find("#job-course").click()
        b.wait(lambda: b.finds("#case-list"), "the new course's page")
        course_id = b.d.current_url.rsplit("/", 1)[1]
        # the library lists it, with the job in the recent list
        self.go("console/courses", "#course-table", "the library with the new course")
        row = b.find(f"[data-course='{course_id}']")
        check("Week 1" in row.text and "3" in row.text, f"the library row: {row.text}")
        check(b.finds(f"#jobs-table [data-job='{job_id}'] [data-state='done']"), "the finished job listed as done")
        self.no_raw_keys("the library")
        self.shot("courses-library")
        return course_id

    def course_and_preview(self, course_id):
        b = self.b
        self.go(f"console/courses/{course_id}", "#case-list", "the course page")
        rows = b.finds("#case-list tbody tr")
        check(len(rows) == 3, f"the course lists {len(rows)} cases, not 3")
        self.no_raw_keys("the course page")
        self.shot("course", full=True)
        detail = self.api("GET", f"/api/courses/{course_id}")["body"]
        scanned = [c for c in detail["cases"] if "screening" in c["stages"]]
        chosen = next((c for c in scanned if c["irregular"] and c["weakestCNR"] is not None), scanned[0] if scanned else detail["cases"][0])
        case_id = chosen["caseId"]
        key = self.api("GET", f"/api/courses/{course_id}/cases/{case_id}")["body"]["key"]
        b.find(f"#case-list [data-case='{case_id}'] a").click()
        b.wait(lambda: b.finds("#preview-body .key-aside"), "the case preview with the key beside the stage")
        # targeting: the papers, and the expected decision of the stage
        check(b.finds("#goods-table") and b.finds("#seal-log"), "the papers of the targeting stage")
        best = key["expectations"]["targeting"]["best"]
        aside = b.find("#preview-body .key-aside").text
        check(aside.strip(), "the key aside is empty")
        self.no_raw_keys("the targeting preview")
        self.shot("preview-targeting")
        if "screening" in chosen["stages"]:
            b.find(".stepper [data-tab='screening']").click()
            b.wait(lambda: b.finds("#scan-canvas") and b.js("return !document.querySelector('.viewer-loading') || document.querySelector('.viewer-loading').hidden"),
                   "the scan in the preview", timeout=60)
            regions = len(key["scans"][0]["anomalies"]) if key["scans"] else 0
            check(("#/console/courses/" in b.d.current_url) and b.d.current_url.endswith("/screening"), "the tab is kept in the address")
            if regions:
                check(b.finds("#key-screening-anomalies li"), "the key's anomalies beside the scan")
            self.labelled("the screening preview")
            self.shot("preview-screening")
        if "examination" in chosen["stages"]:
            b.find(".stepper [data-tab='examination']").click()
            b.wait(lambda: b.finds("#preview-observations li") and b.finds("#door-image"), "the examination preview")
            b.wait(lambda: b.js("const i = document.getElementById('door-image'); return i && i.complete && i.naturalWidth > 0"), "the door drawing")
            self.shot("preview-examination")
        b.find(".stepper [data-tab='key']").click()
        b.wait(lambda: b.finds("#key-view"), "the whole key")
        rationale = [e.text for e in b.finds("#key-view [data-rationale] li")]
        check(len(rationale) == len(key["rationale"]) and all(r and "{" not in r for r in rationale),
              f"the rationale in words: {rationale}")
        expected_rows = b.finds("#key-expectations tbody tr")
        check(len(expected_rows) == len(key["expectations"]), "one expected decision per stage")
        self.no_raw_keys("the whole key")
        self.shot("preview-key", full=True)
        # hiding the key shows the case as the class meets it
        b.find("#key-toggle").click()
        b.wait(lambda: not b.finds("#preview-body .key-aside") and not b.finds(".stepper [data-tab='key']"), "the key hidden")
        b.find("#key-toggle").click()
        # the seed, after the warning
        self.go(f"console/courses/{course_id}", "#show-seed", "the seed button")
        b.find("#show-seed").click()
        b.wait(lambda: b.finds("#confirm-dialog[open]"), "the seed warning")
        self.shot("seed-warning")
        b.find("#confirm-yes").click()
        seed = b.wait(lambda: b.finds("#course-seed") and b.find("#course-seed").text, "the seed shown")
        check(re.fullmatch(r"[0-9a-f]{64}", seed), f"the seed is 64 hex digits: {seed}")
        check(best, "the key names a best decision")
        return case_id

    def import_course(self):
        b = self.b
        self.go("console/courses/import", "#import-form", "the import form")
        b.find("#import-submit").click()
        b.wait(lambda: self.field_error("file"), "a problem when no archive is chosen")
        self.labelled("the import form")
        b.find("#course-file").send_keys(self.s.broken)
        b.find("#import-submit").click()
        b.wait(lambda: b.finds("#job[data-state='failed']"), "the broken archive's job to fail", timeout=60)
        check(b.find("#job-error").text.strip(), "the failure says why")
        self.go("console/courses/import", "#import-form", "the import form again")
        b.find("#course-file").send_keys(self.s.damaged)
        b.find("#import-submit").click()
        b.wait(lambda: b.finds("#job[data-state='failed'] #job-problems"), "the damaged course's problems listed", timeout=60)
        problems = b.find("#job-problems").text
        check(self.s.damaged_file in problems, f"the problem names the changed file: {problems}")
        check(not any(c["id"] == self.s.upload_id for c in self.api("GET", "/api/courses")["body"]), "nothing stored")
        self.shot("import-failed")
        self.go("console/courses/import", "#import-form", "the import form again")
        b.find("#course-file").send_keys(self.s.archive)
        self.shot("import")
        b.find("#import-submit").click()
        b.wait(lambda: b.finds("#job[data-state='done']"), "the uploaded course imported", timeout=120)
        b.find("#job-course").click()
        b.wait(lambda: b.finds("#case-list"), "the uploaded course's page")
        check(b.d.current_url.endswith(self.s.upload_id), "the uploaded course's id")

    def author_spec(self):
        b = self.b
        self.go("console/authoring/new", "#spec-form", "the spec form")
        b.wait(lambda: "Fill in" in b.find("#check-status").text, "the empty form's status")
        self.type("#spec-name", "Cocaine in the roof, Callao")
        self.select("#spec-scenario", "roofCompartment")
        self.select("#spec-vantage", "import")
        self.select("#spec-difficulty", "4")
        # two goods lines, the first left empty (not sent): the problem still lands on the line that has it
        b.find("#add-goods").click()
        b.find("#add-goods").click()
        self.type("#goods-1-commodity", "banannas")
        self.type("#spec-origin", "PECLL")
        b.wait(lambda: self.field_error("goods[1].commodity"), "the unknown commodity named next to its goods line")
        check(b.find("#goods-1-commodity").get_attribute("aria-invalid") == "true", "the commodity input marked invalid")
        check(not self.field_error("goods[0].commodity"), "no problem on the empty line")
        b.find("[data-field='goods[0]'] .remove").click()
        b.wait(lambda: self.field_error("goods[0].commodity"), "the problem on the one line left")
        check("problem" in b.find("#check-status").text.lower(), "the status counts the problems")
        self.labelled("the spec form")
        b.js("document.getElementById('goods-lines').scrollIntoView({block: 'center'})")
        self.shot("spec-error")
        self.type("#goods-0-commodity", "bananas")
        b.wait(lambda: not self.field_error("goods[0].commodity") and "good" in b.find("#check-status").get_attribute("class"),
               "the problem gone once corrected")
        check("bananas" in b.find("#spec-yaml").get_attribute("textContent"), "the YAML follows the form")
        self.type("#preview-seed", "7")
        b.find("#preview-button").click()
        b.wait(lambda: b.finds("#spec-preview .key-aside") and b.finds("#spec-preview #goods-table"), "the preview's papers and key", timeout=60)
        self.shot("spec-preview")
        b.find("#spec-preview .stepper [data-tab='screening']").click()
        b.wait(lambda: b.finds("#spec-preview #scan-canvas") and b.js("const l = document.querySelector('#spec-preview .viewer-loading'); return l && l.hidden"),
               "the preview's scan", timeout=60)
        self.shot("spec-preview-scan")
        b.find("#spec-preview .stepper [data-tab='examination']").click()
        b.wait(lambda: b.js("const i = document.querySelector('#spec-preview #door-image'); return i && i.complete && i.naturalWidth > 0"),
               "the preview's door drawing")
        b.find("#save-spec").click()
        b.wait(lambda: re.search(r"#/console/authoring/\d+$", b.d.current_url), "the saved spec's address")
        spec_id = b.d.current_url.rsplit("/", 1)[1]
        link = b.wait(lambda: b.finds("#download-yaml") and b.find("#download-yaml").get_attribute("href"), "the YAML download link")
        check(link.endswith(f"/api/specs/{spec_id}/spec.yaml"), f"the download link: {link}")
        answer = self.api("GET", f"/api/specs/{spec_id}/spec.yaml", raw=True)
        check(answer["status"] == 200 and "attachment" in (answer["disposition"] or ""), f"the YAML download: {answer['status']}")
        path = os.path.join(self.s.work, "downloaded-spec.yaml")
        with open(path, "wb") as out:
            out.write(answer["bytes"])
        run([self.s.cargosim, "validate", path], cwd=ROOT)
        self.shot("spec-saved", full=True)
        # a change to a saved spec is saved in place
        self.select("#spec-difficulty", "3")
        b.wait(lambda: b.find("#dirty-note").text, "the unsaved-changes note")
        b.find("#save-spec").click()
        b.wait(lambda: not b.find("#dirty-note").text, "the change saved")
        check(self.api("GET", f"/api/specs/{spec_id}")["body"]["spec"]["difficulty"] == 3, "the saved difficulty")
        # the library: open, download, delete (a second spec, made here to be deleted)
        check(self.api("POST", "/api/specs", {"spec": {"name": "Throwaway", "scenario": "clean"}})["status"] == 201, "a second spec")
        self.go("console/authoring", "#spec-table", "the spec library")
        check(b.finds("[data-spec='Cocaine in the roof, Callao']"), "the spec in the library")
        self.shot("authoring-library")
        b.find("[data-spec='Throwaway'] [data-delete]").click()
        b.wait(lambda: b.finds("#confirm-dialog[open]"), "the delete confirmation")
        b.find("#confirm-yes").click()
        b.wait(lambda: not b.finds("[data-spec='Throwaway']"), "the deleted spec gone from the library")
        check(b.finds("[data-spec='Cocaine in the roof, Callao']"), "the other spec kept")

    def enrol(self):
        b = self.b
        self.go("console/people/import", "#csv-form", "the CSV form")
        bad = ("username,displayName,role,language\n"
               "ana.perez,Ana Pérez,trainee,es\n"
               "BAD NAME,João Silva,trainee,pt\n")
        self.type("#csv-text", bad)
        b.find("#csv-submit").click()
        b.wait(lambda: b.finds("#csv-problems [data-line='3']"), "the bad line's problem listed")
        row = b.find("#csv-problems [data-line='3']").text
        check("username" in row, f"the problem names the field: {row}")
        check(self.api("GET", "/api/users")["body"] and not any(u["username"] == "ana.perez" for u in self.api("GET", "/api/users")["body"]),
              "nobody added from a refused CSV")
        self.labelled("the CSV form")
        self.shot("csv-problems")
        good = bad.replace("BAD NAME", "joao.silva")
        self.type("#csv-text", good)
        b.find("#csv-submit").click()
        b.wait(lambda: b.finds("#password-dialog[open] [data-password-for]"), "the generated passwords, shown once")
        passwords = {e.get_attribute("data-password-for"): e.text for e in b.finds("#password-dialog [data-password-for]")}
        check(set(passwords) == {"ana.perez", "joao.silva"} and all(len(p) >= 8 for p in passwords.values()), f"passwords: {passwords}")
        self.shot("csv-passwords")
        # Escape does not close it: the button does
        from selenium.webdriver.common.keys import Keys

        b.find("#password-dialog").send_keys(Keys.ESCAPE)
        time.sleep(0.3)
        check(b.finds("#password-dialog[open]"), "Escape must not close the password dialog")
        b.find("#password-close").click()
        b.wait(lambda: b.finds("#people-table [data-user='ana.perez']"), "the people list with the new trainees")
        # reset a password (shown once), disable and enable an account
        b.find("#people-table [data-user='joao.silva'] [data-action='reset']").click()
        b.wait(lambda: b.finds("#confirm-dialog[open]"), "the reset confirmation")
        b.find("#confirm-yes").click()
        new = b.wait(lambda: b.finds("#password-dialog[open] [data-password-for='joao.silva']") and b.find("[data-password-for='joao.silva']").text,
                     "the new password")
        check(new != passwords["joao.silva"], "the reset gives a new password")
        b.find("#password-close").click()
        b.wait(lambda: not b.finds("#password-dialog"), "the dialog closed")
        b.find("#people-table [data-user='joao.silva'] [data-action='disable']").click()
        b.wait(lambda: b.finds("#confirm-dialog[open]"), "the disable confirmation")
        self.shot("disable-confirm")
        b.find("#confirm-yes").click()
        b.wait(lambda: b.finds("#people-table [data-user='joao.silva'] [data-action='enable']"), "the account disabled")
        check("disabled-row" in b.find("#people-table [data-user='joao.silva']").get_attribute("class"), "the row shows it disabled")
        self.shot("people-disabled")
        b.find("#people-table [data-user='joao.silva'] [data-action='enable']").click()
        b.wait(lambda: b.finds("#confirm-dialog[open]"), "the enable confirmation")
        b.find("#confirm-yes").click()
        b.wait(lambda: b.finds("#people-table [data-user='joao.silva'] [data-action='disable']"), "the account enabled")
        # an instructor is offered no action on staff accounts
        check(not b.finds("#people-table [data-user='chief'] [data-action]"), "no action on the admin's account for an instructor")
        # add one person with the form
        self.go("console/people/new", "#person-form", "the add-a-person form")
        check([o.get_attribute("value") for o in b.finds("#person-role option")] == ["trainee"], "an instructor adds trainees only")
        self.type("#person-name", "Luis Gómez")
        self.type("#person-username", "luis.gomez")
        self.select("#person-language", "es")
        b.find("#person-submit").click()
        b.wait(lambda: b.finds("#password-dialog[open] [data-password-for='luis.gomez']"), "the new person's password")
        self.shot("person-password")
        b.find("#password-close").click()
        b.wait(lambda: b.finds("#people-table [data-user='luis.gomez']"), "the new person listed")
        self.labelled("the people list")
        self.shot("people")
        return passwords

    def cohort(self):
        b = self.b
        self.go("console/people/cohorts", "#cohort-form", "the cohorts page")
        self.type("#cohort-name", "Callao 3")
        for user in ("ana.perez", "joao.silva"):
            b.find(f"#cohort-people input[data-username='{user}']").click()
        b.find("#cohort-submit").click()
        b.wait(lambda: b.finds("#cohort-table [data-cohort='Callao 3']"), "the new cohort listed")
        check("2" in b.find("#cohort-table [data-cohort='Callao 3']").text, "two members")
        self.labelled("the cohorts page")
        self.shot("cohorts")
        self.go("console/people", "#people-table", "the people list")
        check("Callao 3" in b.find("#people-table [data-user='ana.perez']").text, "the cohort shown in the list")

    def assign(self, course_id):
        b = self.b
        self.go("console/classes/new", "#class-form", "the new-class form")
        self.select("#class-course", course_id)
        self.select("#class-mode", "test")
        b.find("#who-cohort").click()
        self.select("#class-cohort", "Callao 3")
        b.find("#class-submit").click()
        b.wait(lambda: re.search(r"#/console/classes/\d+$", b.d.current_url), "the class made")
        groups = self.api("GET", "/api/groups")["body"]
        check(any(g["courseId"] == course_id and g["mode"] == "test" and g["cohort"] == "Callao 3" and g["traineeCount"] == 2 for g in groups),
              f"the class: {groups}")

    def trainee_sees(self, password):
        b = self.b
        self.trainee_password = password
        self.login("ana.perez", password, staff=False)
        cards = b.finds("[data-assignment]")
        check(cards and "Week 1" in cards[0].text, f"the trainee's assignment: {[c.text for c in cards]}")
        self.shot("trainee-assignments")

    def test_worked_then_released(self, course_id):
        """The trainee (still signed in) works the first case of the test through the API; the instructor sees it
        on the class page, releases the results there and opens the debrief; the trainee's result then shows."""
        b = self.b
        aid = next(a["id"] for a in self.api("GET", "/api/assignments")["body"] if a["courseId"] == course_id)
        cid = self.api("GET", f"/api/assignments/{aid}")["body"]["cases"][0]["caseId"]
        base = f"/api/assignments/{aid}/cases/{cid}"
        view = self.api("GET", base)["body"]
        for stage in view["stages"]:
            if stage == "examination":
                points = self.api("GET", base)["body"]["case"]["examination"]["points"]
                check(self.api("POST", base + "/examine", {"points": points[:1]})["status"] == 200, "examined")
            answer = self.api("POST", base + "/decisions", {"stage": stage, "disposition": "release"})
            check(answer["status"] == 201, f"{stage}: {answer}")
        check(self.api("GET", base + "/feedback")["body"] == {"released": False}, "test results wait for the release")
        self.login("teacher")
        group = next(g for g in self.api("GET", "/api/groups")["body"] if g["courseId"] == course_id and g["mode"] == "test")
        self.go(f"console/classes/{group['id']}", "#release-results", "the class page with its release button")
        b.wait(lambda: "1" in b.find("#progress-table").text, "the submitted case on the class page")
        b.js("window.confirm = () => true")
        b.find("#release-results").click()
        b.wait(lambda: self.api("GET", f"/api/groups/{group['id']}")["body"]["resultsReleased"], "the results released")
        b.wait(lambda: b.find("#release-state").text.strip(" ·") == self.text_of("web.assignments.released"),
               "the class page to say the results are released")
        self.shot("class-released")
        b.find("#open-debrief").click()
        b.wait(lambda: b.finds("#debrief-position"), "the debrief")
        self.shot("class-debrief")
        self.login("ana.perez", self.trainee_password, staff=False)
        released = self.api("GET", base + "/feedback")["body"]
        check(released.get("released") is True and "score" in released, f"the released result: {released}")

    def languages(self):
        b = self.b
        self.go("console/people", "#people-table", "the people page")
        english = b.find(".page-head h1").text
        nav = b.find(".console-nav [data-section='authoring']").text
        for lang, heading in (("es", "Personas"), ("pt", "Pessoas")):
            self.select("#language-select", lang)
            b.wait(lambda: b.find(".page-head h1").text == heading, f"the page heading in {lang}")
            check(b.find(".console-nav [data-section='authoring']").text != nav, f"the navigation in {lang}")
            check(b.js("return document.documentElement.lang") == lang, f"the page's lang attribute is {lang}")
            self.no_raw_keys(f"the people page in {lang}")
            self.shot(f"people-{lang}")
            self.go("console/courses/new", "#course-form", f"the new-course form in {lang}")
            self.no_raw_keys(f"the new-course form in {lang}")
            self.shot(f"course-new-{lang}")
            self.go("console/people", "#people-table", "the people page")
        self.select("#language-select", "en")
        b.wait(lambda: b.find(".page-head h1").text == english, "the page heading in English again")

    def admin_audit(self):
        b = self.b
        self.login("chief")
        self.go("console/audit", "#audit-table", "the audit log")
        actions = {e.get_attribute("data-action") for e in b.finds("#audit-table tbody tr")}
        for action in ("course.generate", "course.seedShown", "users.import", "user.passwordReset", "user.disable", "spec.create"):
            check(action in actions, f"the audit log records {action}: {sorted(actions)}")
        check(b.find("#audit-csv").get_attribute("download") == "audit.csv", "the CSV download")
        self.select("#audit-action", "course.seedShown")
        b.wait(lambda: len(b.finds("#audit-table tbody tr")) == 1, "the audit log filtered by action")
        self.select("#audit-action", "")
        self.labelled("the audit log")
        self.shot("audit")
        # an admin is offered actions on staff accounts too
        self.go("console/people", "#people-table", "the people list as admin")
        check(b.finds("#people-table [data-user='teacher'] [data-action='reset']"), "an admin may reset a staff password")
        self.go("console/people/new", "#person-form", "the add-a-person form as admin")
        check(len(b.finds("#person-role option")) == 3, "an admin may add any role")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cargosim", default=os.path.join(ROOT, ".build", "debug", "cargosim"))
    parser.add_argument("--out", help="folder for screenshots (default: .build/browser-test/console-pages)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and files")
    args = parser.parse_args()
    check(os.access(args.cargosim, os.X_OK), f"{args.cargosim} is not there; build it first (swift build)")
    work = tempfile.mkdtemp(prefix="cargosim-console-")
    out = args.out or os.path.join(ROOT, ".build", "browser-test", "console-pages")
    if not args.out:
        shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    server = Server(os.path.abspath(args.cargosim), work)
    browser = None
    started = time.time()
    try:
        server.prepare()
        server.start()
        browser = Browser(out)
        ConsoleTest(server, browser).run()
        print(f"console pages browser test passed in {time.time() - started:.0f} s; screenshots in {out}")
        for name in browser.shots:
            print(f"  {name}")
        return 0
    except Exception as error:
        print(f"BROWSER TEST FAILED: {error}", file=sys.stderr)
        if not isinstance(error, Failure):
            traceback.print_exc()
        if browser:
            try:
                print(f"screenshot of the failure: {browser.shot('failure')}", file=sys.stderr)
            except Exception as shot_error:
                print(f"(no screenshot: {shot_error})", file=sys.stderr)
            for line in browser.console()[-20:]:
                print(f"console: {line}", file=sys.stderr)
        print(f"server log ({server.log_path}):\n{server.log_tail()}", file=sys.stderr)
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
