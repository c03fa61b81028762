#!/usr/bin/env python3
"""Browser test of the certification office and the public verification page, in a real headless Chromium.

    python3 Tests/browser/test_certification.py [--cargosim .build/debug/cargosim] [--out DIR] [--keep]

It generates a small fixture course (4 cases), creates a temporary database with an administrator (the
programme's certifier) and a trainee, gives the course to the trainee in test mode, and has the trainee work every
case through the API as an able officer would (stopping the irregular boxes, releasing the clean ones). The server
runs on an `Assets/` folder that links to the checkout's, with a policy the four cases can meet (`workshop`: the
shipped default with the course's own case counts as minimums). Then, at 1366×768:

  * as the administrator, in the console's Certification section: evaluates the trainee against `workshop` (the
    verdict and every reason with figure and threshold, the error rates, the stages) and against the shipped
    `default` (refused, naming the case counts), issues the certificate and reads its verification code in the list;
  * opens the printable certificate (the code is on it);
  * checks the signed file with `cargosim certificate verify` against the server's public key and revocation list;
  * on the public page /verify, with no account: checks the code (valid, holder, role, policy), the file's content,
    an altered file (not valid, nothing of it shown), and the page in Spanish;
  * evaluates and issues a trainer on the same work with a calibration round's file and an expert's signed sign-off
    uploaded, and records the sign-off (verified against the expert's key) for later evaluations;
  * revokes the certificate from the console with a reason, and sees /verify?code=… say REVOKED with the reason,
    and the command line refuse it with the new list;
  * runs a calibration round in the console: the certifier grades the class's attempts in the browser, a panelist
    and a candidate trainer through the API (each sees only their own grades), and the closed round shows the
    candidate's agreement with the panel's reference, and is offered as a trainer's evidence.

Screenshots go to --out (default: .build/browser-test/certification, emptied first). Fails on any script error in
the browser's console.
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
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_workspace import PASSWORD, ROOT, Browser, Server, check, read_case, report_failure, run  # noqa: E402
from test_console import Session, work_case  # noqa: E402

REASON = "Attempts made under another officer's account"


class CertificationServer(Server):
    """The fixture course in test mode for one trainee, an administrator, and a policy the course can meet."""

    def prepare(self):
        print("generating the fixture course (4 cases)…", flush=True)
        run([self.cargosim, "generate", "--seed", "424242", "--count", "4", "--out", self.course, "--force", "--title",
             "Certification practice"], cwd=ROOT)
        index = json.load(open(os.path.join(self.course, "course.json")))
        self.course_id = index["courseId"]
        self.case_ids = index["caseIds"]
        self.cases = {c: read_case(self.course, c) for c in self.case_ids}
        self.keys = {c: json.load(open(os.path.join(self.course, "keys", f"{c}.json"))) for c in self.case_ids}
        irregular = sum(1 for k in self.keys.values() if k["irregular"])
        clean = len(self.keys) - irregular
        check(irregular >= 1 and clean >= 1, f"the fixture needs a concealment and a clean case: {irregular} + {clean}")
        self.assets = os.path.join(self.work, "assets")
        os.makedirs(os.path.join(self.assets, "policies"))
        checkout_assets = os.path.join(ROOT, "Assets")
        for name in os.listdir(checkout_assets):
            if name != "policies":
                os.symlink(os.path.join(checkout_assets, name), os.path.join(self.assets, name))
        shipped = open(os.path.join(checkout_assets, "policies", "default.yaml")).read()
        shutil.copy(os.path.join(checkout_assets, "policies", "default.yaml"), os.path.join(self.assets, "policies"))
        workshop = (shipped.replace("version: cargosim-2026.2", "version: workshop-2026.1")
                    .replace("minimumConcealmentCases: 30", f"minimumConcealmentCases: {irregular}")
                    .replace("minimumCleanCases: 30", f"minimumCleanCases: {clean}")
                    .replace("minimumCasesPerKind: 2", "minimumCasesPerKind: 0")
                    .replace("minimumDPrime: 1.5", "minimumDPrime: 1.0")
                    # The trainer's own bar, at what four cases can show; agreement and the delivery stay as shipped.
                    .replace("minimumHitRate: 0.90", "minimumHitRate: 0.70")
                    .replace("maximumFalseAlarmRate: 0.20", "maximumFalseAlarmRate: 0.30")
                    .replace("minimumDPrime: 2.0", "minimumDPrime: 1.0")
                    .replace("minimumDPrimeLowerBound: 1.2", "minimumDPrimeLowerBound: -5"))
        open(os.path.join(self.assets, "policies", "workshop.yaml"), "w").write(workshop)
        db = ["--db", self.db]
        for user, role, display in (("certifier", "admin", "Carla Certifier"), ("trainee1", "trainee", "Tomás Trainee"),
                                    ("panelist", "instructor", "Paula Panel"), ("candidate", "instructor", "Carlos Candidate")):
            run([self.cargosim, "users", "add", user, "--name", display, "--role", role, "--language", "en",
                 "--password", PASSWORD, "--bcrypt-cost", "4", *db], cwd=ROOT)
        run([self.cargosim, "course", "import", self.course, "--keys", os.path.join(self.course, "keys"), *db], cwd=ROOT)
        run([self.cargosim, "assign", "--course", self.course_id, "--users", "trainee1", "--mode", "test", *db], cwd=ROOT)
        # A trainer's evidence: a calibration round of 20 items from 5 trainees' attempts in which trainee1 grades as
        # the panel does, and an expert's sign-off of their supervised delivery, signed with the expert's own key.
        scale = ["fail", "weak", "pass", "good", "excellent"]
        items = [f"T00{i % 5 + 1}/case-{i}" for i in range(20)]
        panel = {item: scale[i % len(scale)] for i, item in enumerate(items)}
        self.round_file = os.path.join(self.work, "round.json")
        json.dump({"id": "round-1", "rubricVersion": "cargosim-default-1", "scale": scale, "items": items,
                   "reference": {"panel-1": panel, "panel-2": panel, "panel-3": panel},
                   "candidates": {"trainee1": panel}}, open(self.round_file, "w"))
        run([self.cargosim, "keys", "init", "--out", self.work, "--name", "expert"], cwd=ROOT)
        self.expert_key = os.path.join(self.work, "expert.pub")
        self.signoff_file = os.path.join(self.work, "signoff.txt")
        run([self.cargosim, "signoff", "sign", "--signing-key", os.path.join(self.work, "expert.key"), "--expert",
             "expert1", "--trainer", "trainee1", "--course", "Foundation course, Callao, cohort 3", "--delivered-on",
             time.strftime("%Y-%m-%d", time.gmtime()), "--out", self.signoff_file], cwd=ROOT)

    def start(self):
        # The server reads its policies (and everything else) from the linked folder.
        os.environ["CARGOSIM_ASSETS"] = self.assets
        try:
            super().start()
        finally:
            del os.environ["CARGOSIM_ASSETS"]


def fetch(url):
    with urllib.request.urlopen(url, timeout=60) as answer:
        return answer.read()


class CertificationTest:
    def __init__(self, server, browser):
        self.server = server
        self.b = browser

    def wait_for(self, css, message, timeout=30):
        return self.b.wait(lambda: self.b.finds(css), message, timeout)

    def cli_verify(self, certificate, revocations):
        """`cargosim certificate verify` on the files as served: (exit status, output)."""
        files = {}
        for name, content in (("certificate.txt", certificate), ("programme.pub", fetch(self.server.url + "/api/certification/public-key")),
                              ("revocations.txt", revocations)):
            path = os.path.join(self.server.work, name)
            open(path, "wb").write(content)
            files[name] = path
        process = subprocess.run(
            [self.server.cargosim, "certificate", "verify", files["certificate.txt"], "--public-key", files["programme.pub"],
             "--revocations", files["revocations.txt"]], cwd=ROOT, capture_output=True, text=True, timeout=120)
        return process.returncode, process.stdout + process.stderr

    def sign_in(self):
        """Signs the certifier in again (after the public page's visits without cookies)."""
        b = self.b
        b.d.get(self.server.url + "/")
        self.wait_for("#login-form", "the log-in form")
        b.find("#username").send_keys("certifier")
        b.find("#password").send_keys(PASSWORD)
        b.find("#login-button").click()
        self.wait_for(".console-nav [data-section='certification']", "the console")

    def evaluate(self, policy):
        b = self.b
        b.js("document.getElementById('cert-evaluation').replaceChildren()")
        b.js("const s = document.getElementById('cert-policy'); s.value = arguments[0]; s.dispatchEvent(new Event('change'))", policy)
        b.find("#cert-evaluate").click()
        self.wait_for("#cert-verdict", f"the verdict under {policy}", timeout=60)
        return b.find("#cert-verdict").get_attribute("data-granted") == "true"

    def run(self):
        s, b = self.server, self.b
        trainee = Session(s.url, "trainee1")
        aid = trainee.get("/api/assignments")[0]["id"]
        for case_id in s.case_ids:
            work_case(trainee, aid, s.cases[case_id], stop=s.keys[case_id]["irregular"])
        staff = Session(s.url, "certifier")
        users = {u["username"]: u for u in staff.get("/api/users")}

        # The console's Certification section.
        b.d.get(s.url + "/")
        self.wait_for("#login-form", "the log-in form")
        b.find("#username").send_keys("certifier")
        b.find("#password").send_keys(PASSWORD)
        b.find("#login-button").click()
        self.wait_for(".console-nav [data-section='certification']", "the console's navigation")
        b.find(".console-nav [data-section='certification']").click()
        self.wait_for("#cert-form", "the evaluation form")
        check(not b.find("#cert-trainer-fields").is_displayed(), "a trainee's evaluation shows no trainer fields")
        self.wait_for("#certificates-none", "the empty certificate list")
        b.js("const s = document.getElementById('cert-person'); s.value = arguments[0]; s.dispatchEvent(new Event('change'))",
             str(users["trainee1"]["id"]))

        # The shipped default asks for 30 + 30 distinct test cases: refused, and the counts say why.
        check(not self.evaluate("default"), "the shipped policy refuses four cases")
        refused = b.find("#cert-reasons [data-reason='concealmentCases']")
        check(refused.get_attribute("data-passed") == "false" and "≥ 30" in refused.text, f"count reason: {refused.text}")
        check(not b.finds("#cert-issue"), "no issue button for a refused decision")
        b.shot("refused-default")

        # The workshop policy: granted, every reason met with its figure and threshold.
        check(self.evaluate("workshop"), f"granted under workshop: {b.find('#cert-verdict').text}")
        rows = b.finds("#cert-reasons tbody tr")
        codes = [r.get_attribute("data-reason") for r in rows]
        for code in ("concealmentCases", "cleanCases", "hitRate", "falseAlarmRate", "dPrime"):
            check(code in codes, f"reason {code} listed: {codes}")
        check(all(r.get_attribute("data-passed") == "true" for r in rows), "every reason met")
        check("≥" in b.find("#cert-reasons [data-reason='dPrime']").text, "d′ shows its threshold")
        facts = b.find("#cert-facts").text
        check("%" in facts and "false pass" in facts, f"the error rates are shown: {facts}")
        check(b.finds("#cert-stages tbody tr"), "detection per stage")
        b.shot("granted-workshop")

        # Issue.
        name = b.find("#cert-name")
        name.clear()
        name.send_keys("Tomás Trainee Ruiz")
        b.find("#cert-issue").click()
        self.wait_for("#cert-issued", "the issued certificate's code")
        self.wait_for("#certificate-table tbody tr[data-status='valid']", "the certificate in the list")
        row = b.find("#certificate-table tbody tr[data-status='valid']")  # the only one so far
        cert_id = row.get_attribute("data-certificate")
        code = row.find_element("css selector", "[data-code]").get_attribute("data-code")
        check(code in b.find("#cert-issued").text, f"the code {code} is announced")
        check("Tomás Trainee Ruiz" in row.text and "workshop-2026.1" in row.text, f"the row: {row.text}")
        b.shot("issued")
        audit = staff.get("/api/audit?limit=5")
        check(any(e["action"] == "certificate.issue" and cert_id in e["detail"] for e in audit), f"audited: {audit}")

        # A trainer: the same work, plus the calibration round and the expert's sign-off as files.
        b.js("const s = document.getElementById('cert-role'); s.value = 'trainer'; s.dispatchEvent(new Event('change'))")
        b.wait(lambda: b.find("#cert-trainer-fields").is_displayed(), "the trainer's evidence fields")
        b.find("#cert-round").send_keys(s.round_file)
        b.find("#cert-delivery").send_keys(s.signoff_file)
        b.find("#cert-expert-keys").send_keys(s.expert_key)
        check(self.evaluate("workshop"), f"the trainer granted: {b.find('#cert-verdict').text}")
        codes = [r.get_attribute("data-reason") for r in b.finds("#cert-reasons tbody tr")]
        for reason in ("kappa", "weightedKappa", "alpha", "calibrationItems", "calibrationTrainees", "supervisedDelivery"):
            check(reason in codes, f"trainer reason {reason} listed: {codes}")
        check("expert1" in b.find("#cert-reasons [data-reason='supervisedDelivery']").text, "the sign-off's expert shown")
        check(b.finds("#cert-agreement"), "the agreement with the panel's reference")
        b.shot("trainer-granted")
        b.find("#cert-issue").click()
        self.wait_for("#certificate-table tbody tr:nth-child(2)", "the trainer's certificate in the list")
        check(any("Certified trainer" in r.text for r in b.finds("#certificate-table tbody tr")), "a trainer certificate listed")

        # The sign-off recorded once (verified against the expert's key), then offered as the delivery evidence.
        b.find("#signoff-file").send_keys(s.signoff_file)
        b.find("#signoff-key").send_keys(s.expert_key)
        b.find("#signoff-submit").click()
        self.wait_for("#signoff-table tbody tr[data-signoff]", "the recorded sign-off")
        check("expert1" in b.find("#signoff-table tbody tr").text, "the expert named in the list")
        offered = [o.get_attribute("textContent") for o in b.finds("#cert-delivery-choice option")]
        check(any("expert1" in o for o in offered), f"the recorded sign-off offered: {offered}")
        b.shot("signoff-recorded")

        # The printable certificate carries the code.
        b.d.get(f"{s.url}/api/certification/certificates/{cert_id}/print")
        b.wait(lambda: code in b.text(), "the code on the printed certificate")
        check("Tomás Trainee Ruiz" in b.text(), "the holder on the printed certificate")
        b.shot("printed")

        # The signed file verifies with the command line against the server's key and list.
        certificate = staff.send("GET", f"/api/certification/certificates/{cert_id}/file").encode()
        status, output = self.cli_verify(certificate, fetch(s.url + "/api/certification/revocations"))
        check(status == 0 and "VALID: Tomás Trainee Ruiz (trainee1)" in output, f"cargosim certificate verify: {status} {output}")
        check(code in output, "the command line prints the same code")

        # The public page, with no account.
        b.d.delete_all_cookies()
        b.d.get(s.url + "/verify")
        self.wait_for("#verify-code", "the verification page")
        b.find("#verify-code").send_keys(code.replace("-", "").lower())
        b.find("#verify-code-submit").click()
        self.wait_for("#verify-verdict", "the verdict of the code")
        check(b.find("#verify-verdict").get_attribute("data-result") == "valid", b.find("#verify-verdict").text)
        verified = b.find("#verify-facts").text
        for expected in ("Tomás Trainee Ruiz", "workshop-2026.1", "Container screening and inspection officer", code):
            check(expected in verified, f"{expected} shown: {verified}")
        b.shot("verify-valid")
        b.js("document.getElementById('verify-text').value = arguments[0]", certificate.decode())
        b.find("#verify-file-submit").click()
        b.wait(lambda: b.find("#verify-verdict").get_attribute("data-result") == "valid" and "Tomás" in b.find("#verify-result").text,
               "the file's verdict")
        altered = certificate.decode().replace("Tomás Trainee Ruiz", "Tomás Trainer Ruiz")
        b.js("document.getElementById('verify-text').value = arguments[0]", altered)
        b.find("#verify-file-submit").click()
        b.wait(lambda: b.find("#verify-verdict").get_attribute("data-result") == "invalid", "the altered file refused")
        check(not b.finds("#verify-facts") and "Trainer" not in b.find("#verify-result").text, "nothing of a forged file shown")
        b.shot("verify-altered")
        b.js("const s = document.getElementById('verify-language'); s.value = 'es'; s.dispatchEvent(new Event('change'))")
        b.wait(lambda: "Verificar un certificado" in b.find("h1").text, "the page in Spanish")

        # Revoke from the console.
        self.sign_in()
        b.d.get(s.url + "/#/console/certification")
        self.wait_for(f"#certificate-table [data-revoke='{cert_id}']", "the revoke button")
        b.find(f"#certificate-table [data-revoke='{cert_id}']").click()
        self.wait_for("#reason-dialog", "the revocation dialog")
        b.find("#reason-input").send_keys(REASON)
        b.shot("revoke-dialog")
        b.find("#reason-yes").click()
        self.wait_for(f"#certificate-table tr[data-certificate='{cert_id}'][data-status='revoked']", "the revoked row")
        check(REASON in b.find(f"#certificate-table tr[data-certificate='{cert_id}']").text, "the reason in the list")
        b.shot("revoked")

        b.d.delete_all_cookies()
        b.d.get(f"{s.url}/verify?code={code}")
        self.wait_for("#verify-verdict", "the verdict after revocation")
        b.wait(lambda: b.find("#verify-verdict").get_attribute("data-result") == "revoked", "REVOKED on the public page")
        check(REASON in b.find("#verify-facts").text, "the reason is shown to the verifier")
        b.shot("verify-revoked")
        revocations = fetch(s.url + "/api/certification/revocations")
        status, output = self.cli_verify(certificate, revocations)
        check(status == 1 and "revoked" in output, f"the command line refuses it with the new list: {status} {output}")

        # A calibration round of the class's attempts: the certifier and a panelist grade them as the panel, a
        # candidate trainer grades them too (one step lenient on one item), each seeing only their own grades; closed,
        # the candidate is compared with the panel's reference.
        self.sign_in()
        b.d.get(s.url + "/#/console/certification/rounds")
        self.wait_for("#round-form", "the new round form")
        b.find("#round-name").send_keys("Workshop calibration")
        b.find("#round-panel input[data-username='certifier']").click()
        b.find("#round-panel input[data-username='panelist']").click()
        b.find("#round-candidates input[data-username='candidate']").click()
        b.find("#round-submit").click()
        self.wait_for("#round-grades select[data-item]", "the round's grading page")
        selects = b.finds("#round-grades select[data-item]")
        items = [x.get_attribute("data-item") for x in selects]
        check(len(items) == len(s.case_ids), f"one item per graded case: {items}")
        scale = ["fail", "weak", "pass", "good", "excellent"]
        for index, item in enumerate(items):
            b.js("const x = document.querySelector(`#round-grades select[data-item='${arguments[0]}']`); x.value = arguments[1];"
                 "x.dispatchEvent(new Event('change'))", item, scale[index % 5])
            b.wait(lambda: item in b.find("#grade-status").text, f"the grade of {item} saved")
        rid = b.d.current_url.rstrip("/").split("/")[-1]
        panelist, candidate = Session(s.url, "panelist"), Session(s.url, "candidate")
        seen = candidate.get(f"/api/certification/rounds/{rid}")
        check(seen["yourGrades"] == {} and "results" not in seen, f"a candidate sees no one else's grades: {seen['yourGrades']}")
        for index, item in enumerate(items):
            panelist.send("PUT", f"/api/certification/rounds/{rid}/grades", {"item": item, "grade": scale[index % 5]})
            lenient = scale[min(4, index % 5 + 1)] if index == 0 else scale[index % 5]
            candidate.send("PUT", f"/api/certification/rounds/{rid}/grades", {"item": item, "grade": lenient})
        b.d.refresh()
        self.wait_for("#round-progress [data-grader='candidate']", "the round's progress")
        check(f"{len(items)} / {len(items)}" in b.find("#round-progress [data-grader='candidate']").text, "the candidate's count")
        b.shot("round-grading")
        b.find("#round-close").click()
        self.wait_for("#round-results-table [data-candidate='candidate']", "the round's results")
        result = b.find("#round-results-table [data-candidate='candidate']").text
        # Four items are too few for a bootstrap interval; the figures themselves are shown.
        check(f"{len(items)} / {len(items)}" in result and re.search(r"\b0\.\d{3}\b", result), f"the candidate's agreement: {result}")
        check(not b.finds("#round-grades"), "no grading once closed")
        b.shot("round-results")
        # The closed round is offered as a trainer's calibration evidence.
        b.d.get(s.url + "/#/console/certification")
        self.wait_for("#cert-round-choice", "the evaluation form")
        options = [o.get_attribute("textContent") for o in b.finds("#cert-round-choice option")]
        check(any("Workshop calibration" in o for o in options), f"the closed round offered: {options}")

        # Expected: /api/me answers 401 while signed out, and the printed page (no scripts, no links) has no icon.
        expected = ("/api/me - Failed to load resource", "/favicon.ico - Failed to load resource")
        errors = [line for line in b.console() if ("SEVERE" in line or "Uncaught" in line)
                  and not any(e in line for e in expected)]
        check(not errors, f"the browser's console has errors: {errors[:5]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cargosim", default=os.path.join(ROOT, ".build", "debug", "cargosim"))
    parser.add_argument("--out", help="folder for screenshots (default: .build/browser-test/certification)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary course and database")
    args = parser.parse_args()
    check(os.access(args.cargosim, os.X_OK), f"{args.cargosim} is not there; build it first (swift build)")
    work = tempfile.mkdtemp(prefix="cargosim-certification-")
    out = args.out or os.path.join(ROOT, ".build", "browser-test", "certification")
    if not args.out:
        shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    server = CertificationServer(os.path.abspath(args.cargosim), work)
    browser = None
    started = time.time()
    try:
        server.prepare()
        server.start()
        browser = Browser(out)
        CertificationTest(server, browser).run()
        print(f"certification browser test passed in {time.time() - started:.0f} s; screenshots in {out}")
        for name in browser.shots:
            print(f"  {name}")
        return 0
    except Exception as error:
        report_failure("CERTIFICATION BROWSER TEST", error, browser, server)
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
