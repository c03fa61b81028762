#!/usr/bin/env python3
"""Browser test of the trainee workspace, in a real headless Chromium driven by selenium.

    python3 Tests/browser/test_workspace.py [--cargosim .build/debug/cargosim] [--out DIR] [--keep]

It generates a small fixture course (4 cases), creates a temporary database with two trainees, imports
the course with its keys, assigns it (training mode to one, test mode to the other), starts
`cargosim serve` on a free port and then, at 1366×768:

  * logs in and reads the assignments with their progress;
  * works a four-stage case through every stage: targeting (indicators, disposition), screening (the scan
    viewer on the 16-bit data: the canvas pixels against the grey the window/level/gamma/invert formula
    gives for the server's own /probe sample, edge enhancement against the same 3×3 rule over probed
    samples, the low channel, the colour view against scan.png decoded here, the organic filter against
    the classes the local-ratio rule (7 × 7 window) gives over the course's samples, the probe read-out against /probe,
    the ruler in mm, a marked region, the help overlay), examination (points, observations, door.svg,
    seal findings), evidence (custody steps in order, referral with the agency) and submits;
  * measures the bytes before the first view of the scan (tiles of a reduced level, not whole scans: it must stay
    under FIRST_VIEW_BUDGET), checks that the probe reads the server's exact sample where the view shows a reduced
    level, and that zooming in fetches the full resolution of the part in view only;
  * checks that nothing of the feedback was requested before the last stage was decided, reads the
    feedback with the key's regions drawn over the scan, and measures the bytes the case took;
  * switches the language to Spanish (Spanish text appears, and stays after a reload);
  * as the test-mode trainee, submits a case and sees only "submitted".

Screenshots go to --out (default: .build/browser-test/screenshots, emptied first); on failure the test prints the path of a
screenshot of the moment, the browser's console and the server's log, and exits 1.
"""

import argparse
import json
import math
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Bytes from opening the screening stage to the first view of its scan (issue 21: "a few hundred kilobytes").
FIRST_VIEW_BUDGET = 400_000
# A training room: a class of CLASS_SIZE trainees opening the same stage at once on one shared link.
CLASS_SIZE, LINK_BITS_PER_SECOND = 20, 10_000_000
PASSWORD = os.environ.get("CARGOSIM_TEST_PASSWORD", "browser-test-pw-1")


def read_case(course, case_id):
    """The whole case: cases/<id>/case.json (targeting) with each later stage from its stage pack."""
    case = json.load(open(os.path.join(course, "cases", case_id, "case.json")))
    for stage in ("screening", "examination", "evidence"):
        path = os.path.join(course, "stages", stage, case_id, stage + ".json")
        if os.path.exists(path):
            case[stage] = json.load(open(path))
    return case


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# ---- an independent PNG reader (for scan.png) -------------------------------------------------


def read_png(path, max_row=None):
    """Decodes an 8- or 16-bit non-interlaced PNG: (width, height, channels, bytes per sample, rows)."""
    data = open(path, "rb").read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG")
    pos, idat = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + length
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    bps = depth // 8
    bpp = channels * bps
    stride = width * bpp
    raw = zlib.decompress(b"".join(idat))
    rows, previous = [], bytearray(stride)
    last = height if max_row is None else min(height, max_row + 1)
    for y in range(last):
        kind = raw[y * (stride + 1)]
        row = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 255
        elif kind == 2:
            row = bytearray((a + b) & 255 for a, b in zip(row, previous))
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + previous[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b = previous[i]
                c = previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[i] = (row[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(row)
        previous = row
    return width, height, channels, bps, rows


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def write_png16(width, height, samples, fix_crc=True):
    """A 16-bit grey PNG whose row y uses filter y mod 5 (all five filters), big-endian samples."""
    bpp, stride = 2, width * 2
    raw_rows = [b"".join(struct.pack(">H", samples[y * width + x]) for x in range(width)) for y in range(height)]
    out, previous = bytearray(), bytes(stride)
    for y, row in enumerate(raw_rows):
        kind = y % 5
        out.append(kind)
        for i in range(stride):
            a = row[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][kind]
            out.append((row[i] - predictor) & 255)
        previous = row

    def chunk(kind, body):
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 16, 0, 0, 0, 0)
    data = zlib.compress(bytes(out), 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def recompute_crcs(png):
    """The same bytes with every chunk's CRC made right again (so a mutation reaches the decoder's inside)."""
    png, pos = bytearray(png), 8
    while pos + 12 <= len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        end = pos + 8 + length
        if end + 4 > len(png):
            break
        png[end : end + 4] = struct.pack(">I", zlib.crc32(bytes(png[pos + 4 : end])) & 0xFFFFFFFF)
        pos = end + 4
    return bytes(png)


# ---- the viewer's formulas, written out independently -----------------------------------------


def grey(sample, level, width, gamma, invert):
    n = (sample - (level - width / 2)) / max(1, width)
    n = min(1.0, max(0.0, n))
    g = math.floor(255 * n ** (1 / gamma) + 0.5)
    return 255 - g if invert else g


def transmission(sample):
    return math.exp(-(65535 - sample) / 65535 * 12)


def material_class(high, low, width, height, x, y, calibration):
    """The local-ratio rule of XRayImaging's LocalRatioClassifier and materials.js (0 unknown … 5 saturated) at pixel
    (x, y), over `high` and `low` as functions (x, y) → 16-bit sample: saturated or unknown from the pixel's own
    samples; otherwise the ratio of the sums of d = 65535 − sample over the classifiable pixels of the 7 × 7 window
    (clipped to the image), against the calibration curves at the window's mean optical depth."""
    c = calibration
    steps = len(c["curves"]) // 4

    def own(u, v):
        d_high, d_low = 65535 - high(u, v), 65535 - low(u, v)
        if d_high * 12 / 65535 >= c["saturationDepthHigh"] - 0.05 or d_low * 12 / 65535 >= c["saturationDepthLow"] - 0.05:
            return 5
        if not c["isDualEnergy"] or d_high * 12 / 65535 < c["minimumOpticalDepth"]:
            return 0
        return None

    verdict = own(x, y)
    if verdict is not None:
        return verdict
    sum_high = sum_low = n = 0
    for v in range(max(0, y - 3), min(height - 1, y + 3) + 1):
        for u in range(max(0, x - 3), min(width - 1, x + 3) + 1):
            if own(u, v) is None:
                sum_high += 65535 - high(u, v)
                sum_low += 65535 - low(u, v)
                n += 1
    tau = sum_high * 12 / (65535 * n)
    i = min(steps - 1, math.floor(tau * c["stepsPerUnit"] + 0.5)) * 4
    ratio = sum_low / sum_high
    best = min(range(4), key=lambda m: (abs(ratio - c["curves"][i + m]), m))
    return [1, 2, 3, 4][best]


def sixteen_bit(rows):
    """(x, y) → the sample of a 16-bit grey PNG's rows (read_png)."""
    return lambda x, y: (rows[y][2 * x] << 8) | rows[y][2 * x + 1]


# ---- the server ---------------------------------------------------------------------------------


def run(args, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise Failure(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, cargosim, work):
        self.cargosim = cargosim
        self.work = work
        self.db = os.path.join(work, "server.sqlite")
        self.course = os.path.join(work, "course")
        self.process = None
        self.log_path = os.path.join(work, "server.log")

    def prepare(self):
        print("generating the fixture course (4 cases)…", flush=True)
        run([self.cargosim, "generate", "--seed", "424242", "--count", "4", "--out", self.course, "--force"], cwd=ROOT)
        index = json.load(open(os.path.join(self.course, "course.json")))
        self.course_id = index["courseId"]
        self.cases = {}
        for case_id in index["caseIds"]:
            self.cases[case_id] = read_case(self.course, case_id)
        db = ["--db", self.db]
        for user, language in (("trainee1", "en"), ("trainee2", "en")):
            run([self.cargosim, "users", "add", user, "--name", f"Test {user}", "--role", "trainee", "--language",
                 language, "--password", PASSWORD, "--bcrypt-cost", "4", *db], cwd=ROOT)
        run([self.cargosim, "course", "import", self.course, "--keys", os.path.join(self.course, "keys"), *db], cwd=ROOT)
        run([self.cargosim, "assign", "--course", self.course_id, "--users", "trainee1", "--mode", "training", *db], cwd=ROOT)
        run([self.cargosim, "assign", "--course", self.course_id, "--users", "trainee2", "--mode", "test", *db], cwd=ROOT)

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


# ---- the browser --------------------------------------------------------------------------------

# The screenshots of the README and the guides: with CARGOSIM_SCREENSHOTS=docs/images (`make screenshots`), each
# shot named here is also written there under its docs name, taken again by Chromium at three quarters of the
# viewport's size (1,024 px wide) so that the repository stays small. All three browser tests take their shots here.
DOC_SHOTS = {
    "assignments": "workspace-assignments", "targeting": "workspace-targeting", "screening": "workspace-screening",
    "examination": "workspace-examination", "feedback": "workspace-feedback",
    "people": "console-people", "courses-library": "console-courses", "spec-preview-scan": "console-authoring",
    "class-released": "console-classes", "console-progress": "console-progress",
    "console-results": "console-results", "debrief": "console-debrief",
}


def keep_for_docs(driver, name):
    folder = os.environ.get("CARGOSIM_SCREENSHOTS")
    if not folder or name not in DOC_SHOTS:
        return
    import base64
    os.makedirs(folder, exist_ok=True)
    target = os.path.join(folder, DOC_SHOTS[name] + ".png")
    try:
        time.sleep(0.5)  # a smooth scroll or a toast's entrance settles
        viewport = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssVisualViewport"]
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": viewport["pageX"], "y": viewport["pageY"], "width": viewport["clientWidth"],
                     "height": viewport["clientHeight"], "scale": 0.75}})
        with open(target, "wb") as out:
            out.write(base64.b64decode(shot["data"]))
    except Exception as error:  # the documentation's picture is not what the test checks
        print(f"warning: could not write {target}: {error}", file=sys.stderr)



class Browser:
    def __init__(self, out):
        from selenium import webdriver

        options = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    "--lang=en-US", "--window-size=1366,900", "--force-device-scale-factor=1"):
            options.add_argument(arg)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        for binary in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
            if os.path.exists(binary):
                options.binary_location = binary
                break
        driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
        from selenium.webdriver.chrome.service import Service

        self.d = webdriver.Chrome(service=Service(driver_path), options=options)
        # the viewport a training-room laptop has
        self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False})
        self.out = out
        self.shots = []

    def shot(self, name):
        path = os.path.join(self.out, f"{len(self.shots) + 1:02d}-{name}.png")
        self.d.save_screenshot(path)
        self.shots.append(path)
        keep_for_docs(self.d, name)
        return path

    def js(self, script, *args):
        return self.d.execute_script(script, *args)

    def js_async(self, body, *args):
        """Runs an async function body; its return value comes back (errors as Failure)."""
        result = self.d.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            f"(async (...args) => {{ {body} }})(...Array.from(arguments).slice(0, -1))"
            ".then((v) => done({ok: v}), (e) => done({error: String(e && e.stack || e)}));", *args)
        check("error" not in result, f"script failed: {result.get('error')}")
        return result["ok"]

    def wait(self, condition, message, timeout=30):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except Exception as error:  # the page may be re-rendering
                last = error
            time.sleep(0.1)
        raise Failure(f"timed out: {message}" + (f" (last error: {last})" if last else ""))

    def find(self, css):
        from selenium.webdriver.common.by import By

        return self.d.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        from selenium.webdriver.common.by import By

        return self.d.find_elements(By.CSS_SELECTOR, css)

    def text(self):
        return self.js("return document.body.innerText")

    def console(self):
        try:
            return [f"{entry['level']}: {entry['message']}" for entry in self.d.get_log("browser")]
        except Exception:
            return []

    def quit(self):
        self.d.quit()


# ---- the test -----------------------------------------------------------------------------------


class WorkspaceTest:
    def __init__(self, server, browser):
        self.server = server
        self.b = browser
        self.figures = {}

    # helpers over the page

    def api(self, method, path, body=None):
        """A request with the browser's session (its cookie, and the CSRF token /api/me gives), sent from
        here rather than from the page, so that it does not count in the page's bytes."""
        cookie = self.b.d.get_cookie("cargosim_session")
        check(cookie is not None, "the browser holds no session cookie")
        headers = {"Cookie": f"cargosim_session={cookie['value']}", "Content-Type": "application/json"}

        def send(method, path, body):
            data = None if body is None else json.dumps(body).encode()
            request = urllib.request.Request(self.server.url + path, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    status, text = answer.status, answer.read().decode()
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode()
            return {"status": status, "body": json.loads(text) if text else None}

        if method != "GET":
            headers["X-CSRF-Token"] = send("GET", "/api/me", None)["body"]["csrfToken"]
        return send(method, path, body)

    def login(self, user):
        b = self.b
        b.d.get(self.server.url + "/")
        b.wait(lambda: b.finds("#login-form"), "the log-in form")
        b.find("#username").send_keys(user)
        b.find("#password").send_keys("wrong password")
        b.find("#login-button").click()
        b.wait(lambda: b.find("#login-error").text.strip(), "an error for a wrong password")
        b.find("#password").clear()
        b.find("#password").send_keys(PASSWORD)
        b.find("#login-button").click()
        b.wait(lambda: b.finds("[data-assignment]"), "the assignments after logging in")

    def choose(self, name, value):
        self.b.find(f"input[name='{name}'][value='{value}']").click()

    def submit_decision(self, expect_stage):
        b = self.b
        # The button is in view without scrolling the page (it was pushed below the fold by 17 indicators).
        b.d.execute_script("window.scrollTo(0, 0)")
        bottom = b.js("return document.getElementById('decision-submit').getBoundingClientRect().bottom")
        check(bottom <= b.js("return window.innerHeight"), f"the decision's button is below the fold ({bottom} px)")
        b.find("#decision-confirm").click()
        b.find("#decision-submit").click()
        if expect_stage == "feedback":
            b.wait(lambda: b.finds("#feedback, #feedback-pending"), "the feedback after the last stage")
        else:
            b.wait(lambda: b.finds(f".stepper [data-stage='{expect_stage}'][aria-current='page']"),
                   f"the {expect_stage} stage to open")

    def resources(self):
        return self.b.js("return performance.getEntriesByType('resource').map(e => "
                         "({name: e.name, size: e.transferSize, body: e.encodedBodySize}))")

    def transform(self):
        data = self.b.js("const c = document.getElementById('scan-canvas'); const r = c.getBoundingClientRect();"
                         "return {zoom: +c.dataset.zoom, ox: +c.dataset.offsetX, oy: +c.dataset.offsetY,"
                         "w: r.width, h: r.height};")
        return data

    def pixel(self, sx, sy):
        return self.b.js("const c = document.getElementById('scan-canvas');"
                         "return Array.from(c.getContext('2d').getImageData(arguments[0], arguments[1], 1, 1).data);",
                         sx, sy)

    def screen_of(self, ix, iy):
        """The canvas pixel (integer CSS px) that shows image pixel (ix, iy), checked to map back to it."""
        t = self.transform()
        sx = math.floor(t["ox"] + (ix + 0.5) * t["zoom"])
        sy = math.floor(t["oy"] + (iy + 0.5) * t["zoom"])
        check(math.floor((sx + 0.5 - t["ox"]) / t["zoom"]) == ix and math.floor((sy + 0.5 - t["oy"]) / t["zoom"]) == iy,
              f"screen pixel ({sx}, {sy}) does not show image pixel ({ix}, {iy}) at zoom {t['zoom']}")
        check(0 <= sx < t["w"] and 0 <= sy < t["h"], f"image pixel ({ix}, {iy}) is off screen")
        return sx, sy

    def hover(self, sx, sy):
        from selenium.webdriver import ActionChains

        canvas = self.b.find("#scan-canvas")
        t = self.transform()
        ActionChains(self.b.d).move_to_element_with_offset(canvas, int(sx - t["w"] / 2 + 0.5), int(sy - t["h"] / 2 + 0.5)).perform()

    def drag(self, a, b):
        from selenium.webdriver import ActionChains

        canvas = self.b.find("#scan-canvas")
        t = self.transform()
        off = lambda p: (int(p[0] - t["w"] / 2 + 0.5), int(p[1] - t["h"] / 2 + 0.5))
        chain = ActionChains(self.b.d)
        chain.move_to_element_with_offset(canvas, *off(a)).click_and_hold()
        chain.move_to_element_with_offset(canvas, *off(((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)))
        chain.move_to_element_with_offset(canvas, *off(b)).release().perform()

    def press(self, keys):
        self.b.find("#scan-canvas").send_keys(keys)

    def wait_complete(self, what):
        """Until the viewer shows the data its zoom asks for (the tiles in view have arrived)."""
        b = self.b
        b.wait(lambda: b.find("#scan-canvas").get_attribute("data-complete") == "true", f"the tiles in view ({what})")

    def class_wait(self, size):
        """Seconds a class of CLASS_SIZE waits when each trainee fetches `size` bytes over the shared link."""
        return CLASS_SIZE * size * 8 / LINK_BITS_PER_SECOND

    def channels(self, cid):
        """The high and low channels of a screening scan, from the course's PNGs, as (x, y) → sample."""
        if getattr(self, "_channels", (None,))[0] != cid:
            folder = os.path.join(self.server.course, "stages", "screening", cid)
            rows = [read_png(os.path.join(folder, f))[4] for f in ("scan-high.png", "scan-low.png")]
            self._channels = (cid, sixteen_bit(rows[0]), sixteen_bit(rows[1]))
        return self._channels[1], self._channels[2]

    def probe(self, aid, cid, scan, x, y):
        answer = self.api("GET", f"/api/assignments/{aid}/cases/{cid}/scans/{scan}/probe?x={x}&y={y}")
        check(answer["status"] == 200, f"/probe {scan} ({x}, {y}) answered {answer}")
        check(answer["body"]["x"] == x and answer["body"]["y"] == y, f"/probe echoed {answer['body']}")
        return answer["body"]

    def viewer_state(self):
        return {
            "level": float(self.b.find("#viewer-level").get_attribute("value")),
            "width": float(self.b.find("#viewer-width").get_attribute("value")),
            "gamma": float(self.b.find("#viewer-gamma").get_attribute("value")),
            "invert": self.b.find("#viewer-invert").is_selected(),
        }

    def set_input(self, css, value, event="change"):
        self.b.js(f"const e = document.querySelector(arguments[0]); e.value = arguments[1];"
                  f"e.dispatchEvent(new Event('{event}', {{bubbles: true}}));", css, str(value))

    # the steps

    def run(self):
        s, b = self.server, self.b
        full = [cid for cid, c in s.cases.items() if c["stages"] == ["targeting", "screening", "examination", "evidence"]
                and c.get("screening", {}).get("scans")]
        check(full, "the fixture course has no four-stage case with scans; change the seed")

        def regions_in_key(case_id):
            key = json.load(open(os.path.join(s.course, "keys", f"{case_id}.json")))
            return sum(len(scan.get("anomalies", [])) for scan in key.get("scans", []))

        # a case with a concealment on the scan, so that the feedback draws the key's regions
        full.sort(key=lambda case_id: -regions_in_key(case_id))
        cid = full[0]
        expect_regions = regions_in_key(cid) > 0
        case = s.cases[cid]

        # log-in and assignments
        self.login("trainee1")
        self.decoder_checks()
        b.shot("assignments")
        cards = b.finds("[data-assignment]")
        check(len(cards) == 1, f"trainee1 should see one assignment, sees {len(cards)}")
        check("0 of 4" in cards[0].text, f"the assignment card shows progress: {cards[0].text!r}")
        aid = cards[0].get_attribute("data-assignment")
        cards[0].click()
        b.wait(lambda: len(b.finds("#case-table tbody tr")) == 4, "the four cases of the assignment")
        b.shot("cases")

        # the case desk: targeting (the bytes of the workspace itself so far: pages, modules, texts)
        self.figures["the workspace itself (HTML, CSS, JS, texts; once per session)"] = sum(r["size"] for r in self.resources())
        b.js("performance.clearResourceTimings(); performance.setResourceTimingBufferSize(2000);")
        b.find(f"tr[data-case='{cid}'] a").click()
        b.wait(lambda: b.finds("#goods-table"), "the bill of lading")
        bl = case["targeting"]["billOfLading"]
        page = b.text()
        check(bl["number"] in page and bl["containerNumber"] in page, "the B/L number and container number are shown")
        check(bl["vessel"] in page, "the vessel is shown")
        check(len(b.finds("#seal-log tbody tr")) == len(case["targeting"]["sealLog"]), "every seal-log entry is listed")
        check(not any("/scans/" in r["name"] for r in self.resources()), "no scan is fetched at targeting")
        b.shot("targeting")
        b.find("input[name='indicators'][value='newConsignee']").click()
        b.find("#decision-submit").click()
        b.wait(lambda: "disposition" in b.find("#decision-error").text.lower() or b.find("#decision-error").text,
               "an error when no disposition is chosen")
        self.choose("disposition", "referForScan")
        seen = len(self.resources())
        self.submit_decision("screening")

        # screening: the scan viewer; its first view from a reduced level's tiles, not whole scans
        b.wait(lambda: b.js("const l = document.querySelector('.viewer-loading'); return l && l.hidden;"),
               "the scan to load", timeout=60)
        first = self.resources()[seen:]
        whole = [r["name"] for r in first if r["name"].split("?")[0].endswith(".png") and "/tiles/" not in r["name"]]
        check(not whole, f"the first view downloads whole scans: {whole}")
        first_view = sum(r["size"] for r in first)
        first_scan = sum(r["size"] for r in first if "/scans/" in r["name"])
        check(any("/tiles/" in r["name"] for r in first), "the first view comes from tiles")
        self.figures["bytes before the first view of the scan (decision, case view, calibration, tiles)"] = first_view
        self.figures["  of which tiles"] = first_scan
        check(first_view <= FIRST_VIEW_BUDGET,
              f"the first view of the scan took {first_view:,} bytes, over the {FIRST_VIEW_BUDGET:,} budget")
        self.first_view = first_view
        check("Gamma (counts/s)" in b.text() or "gamma" in b.text().lower(), "the radiation reading is shown")
        b.shot("screening")
        self.viewer_checks(aid, cid, case)

        # screening decision
        self.choose("disposition", "targetedExamination")
        check("1" in b.find("#marks-count").text, f"the decision counts the mark: {b.find('#marks-count').text!r}")
        self.submit_decision("examination")

        # examination
        b.wait(lambda: b.finds("#examine-button"), "the examination plan")
        b.find("#decision-confirm").click()
        self.choose("disposition", "detain")
        b.find("#decision-submit").click()
        b.wait(lambda: "Examine the container first" in b.find("#decision-error").text, "examining is required first")
        b.find("#decision-confirm").click()  # untick: it is ticked again by submit_decision
        for point in ("doors", "seal", "frontWall", "loadDoorEnd"):
            b.find(f"input[name='points'][value='{point}']").click()
        b.find("#examine-button").click()
        b.wait(lambda: b.finds("#observations li[data-point='seal']"), "the observations of the chosen points")
        observed = {li.get_attribute("data-point") for li in b.finds("#observations li[data-point]")}
        check(observed <= {"doors", "seal", "frontWall", "loadDoorEnd"}, f"only chosen points are shown: {observed}")
        check("{" not in b.find("#observations").text, "observation texts have their parameters filled in")
        b.wait(lambda: b.js("const i = document.getElementById('door-image'); return i.complete && i.naturalWidth > 0;"),
               "door.svg to load")
        b.shot("examination")
        b.find("input[name='seal-findings'][value='intact']").click()
        self.submit_decision("evidence")

        # evidence and report
        for step in ("witnessPresent", "photographSealInPlace", "recordSealNumber", "cutSeal", "retainRemovedSeal"):
            b.find(f"[data-add-step='{step}']").click()
        b.find("#custody-steps li[data-step='cutSeal'] button[aria-label^='Move up']").click()
        order = [li.get_attribute("data-step") for li in b.finds("#custody-steps li[data-step]")]
        check(order == ["witnessPresent", "photographSealInPlace", "cutSeal", "recordSealNumber", "retainRemovedSeal"],
              f"the custody steps keep the order given: {order}")
        b.find("#custody-steps li[data-step='cutSeal'] button[aria-label^='Move down']").click()
        self.choose("disposition", "referToAgency")
        b.find("#decision-confirm").click()
        b.find("#decision-submit").click()
        b.wait(lambda: "agency" in b.find("#decision-error").text.lower(), "the agency is required for a referral")
        b.find("#decision-confirm").click()
        from selenium.webdriver.support.ui import Select

        Select(b.find("#agency-select")).select_by_value("police")
        b.shot("evidence")
        before = self.resources()
        leaked = [r["name"] for r in before if "/feedback" in r["name"] or "/keys" in r["name"]]
        check(not leaked, f"key data was requested before the last stage was decided: {leaked}")
        self.submit_decision("feedback")

        # feedback (training mode)
        b.wait(lambda: b.finds("#feedback-score"), "the score")
        rows = b.finds("#feedback-stages tbody tr")
        check(len(rows) == 4, f"the feedback lists the four stages, not {len(rows)}")
        check("%" in b.find("#feedback-score").text, "the score is a percentage")
        # "Right" exactly when the key accepts the decision, and the total's weighting is shown.
        feedback_now = self.api("GET", f"/api/assignments/{aid}/cases/{cid}/feedback")["body"]
        for row, stage in zip(rows, feedback_now["stages"]):
            from selenium.webdriver.common.by import By

            right = row.find_element(By.CSS_SELECTOR, "[data-right]").get_attribute("data-right") == "true"
            accepted = stage["disposition"] in stage["acceptable"]
            # A referral to the wrong agency is not right though referring is accepted.
            check(right == accepted or (accepted and stage["disposition"] == "referToAgency"),
                  f"{stage['stage']}: right only when accepted ({stage})")
        parts = feedback_now["parts"]
        check(abs(sum(p["score"] * p["share"] for p in parts) - feedback_now["score"]) < 1e-9,
              f"the parts make the total: {parts} vs {feedback_now['score']}")
        check(b.finds("#feedback-parts"), "the total's weighting is shown")
        b.wait(lambda: b.js("const l = document.querySelector('.viewer-loading'); return l && l.hidden;"),
               "the feedback scan", timeout=60)
        feedback = self.api("GET", f"/api/assignments/{aid}/cases/{cid}/feedback")["body"]
        check(feedback.get("released") is True, f"training feedback is released: {feedback}")
        check(bool(feedback.get("regions")) == expect_regions,
              f"training feedback carries the key's regions when the key has some: {feedback.get('regions')}")
        if expect_regions:
            red = b.js_async("""const c = document.getElementById('scan-canvas');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] > 240 && d[i+1] < 80 && d[i+2] < 80) n++;
                return n;""")
            check(red > 20, f"the key's regions are drawn over the scan ({red} red pixels)")
        b.shot("feedback")

        # the bytes one case took, all stages (the UI's own files were loaded before the case opened)
        entries = self.resources()
        total = sum(r["size"] for r in entries)

        def kind(name):
            path = name.split("?")[0]
            if "/tiles/" in path:
                scan = path.split("/scans/")[1].split("/")[0]
                return f"tiles of {scan} (level {path.split('/tiles/')[1].split('/')[0]})"
            last = path.rsplit("/", 1)[-1]
            return last if last.endswith((".png", ".svg")) else "api and other"

        by_kind = {}
        for r in entries:
            by_kind[kind(r["name"])] = by_kind.get(kind(r["name"]), 0) + r["size"]
        self.figures["bytes per case (all stages, feedback included, every viewer tool used)"] = total
        high_only = total - sum(r["size"] for r in entries
                                if any(f in r["name"] for f in ("/scan-low.png", "/scan.png", "/classes.png")))
        self.figures["bytes per case with the high-energy view only (low, colour and classes never opened)"] = high_only
        for k, v in sorted(by_kind.items()):
            self.figures[f"  of which {k}"] = v
        check(total < 20_000_000, f"one case took {total} bytes, over the 20 MB budget")
        self.waits = {
            "the first view of a scan": self.class_wait(self.first_view),
            "a case worked through, high-energy view only": self.class_wait(high_only),
            "a case worked through, every viewer tool used": self.class_wait(total),
        }

        # language: Spanish, persisted
        from selenium.webdriver.support.ui import Select

        Select(b.find("#language-select")).select_by_value("es")
        b.wait(lambda: b.find("#logout").text == "Cerrar sesión", "the header in Spanish")
        b.wait(lambda: "Retroalimentación" in b.text() or "Puntaje" in b.text(), "the page in Spanish")
        b.d.refresh()
        b.wait(lambda: b.finds("#logout") and b.find("#logout").text == "Cerrar sesión", "Spanish after a reload")
        me = self.api("GET", "/api/me")["body"]
        check(me["user"]["language"] == "es", f"the language is stored on the server: {me['user']}")
        check(b.js("return document.documentElement.lang") == "es", "the page's lang attribute follows")
        b.d.get(self.server.url + "/#/")
        b.wait(lambda: "Mis asignaciones" in b.text(), "the assignments in Spanish")
        check("1 de 4" in b.text(), "progress counts the submitted case")
        b.shot("spanish")
        b.find("#logout").click()
        b.wait(lambda: b.finds("#login-form"), "the log-in form after signing out")

        # test mode: only "submitted" until release
        self.login("trainee2")
        card = b.finds("[data-assignment]")[0]
        aid2 = card.get_attribute("data-assignment")
        premature = self.api("GET", f"/api/assignments/{aid2}/cases/{cid}/feedback")
        check(premature["status"] == 409, f"feedback before submitting answers 409, not {premature}")
        self.api("GET", f"/api/assignments/{aid2}/cases/{cid}")
        for stage, disposition in (("targeting", "release"), ("screening", "release"),
                                   ("examination", "release"), ("evidence", "release")):
            if stage == "examination":
                answer = self.api("POST", f"/api/assignments/{aid2}/cases/{cid}/examine", {"points": ["seal"]})
                check(answer["status"] == 200, f"/examine answered {answer}")
            body = {"stage": stage, "disposition": disposition, "flaggedIndicators": [], "sealFindings": [],
                    "evidenceSteps": []}
            if stage == "screening":
                body["markedRegions"] = []
            answer = self.api("POST", f"/api/assignments/{aid2}/cases/{cid}/decisions", body)
            check(answer["status"] == 201, f"deciding {stage} answered {answer}")
            self.api("GET", f"/api/assignments/{aid2}/cases/{cid}")
        b.d.get(f"{self.server.url}/#/assignments/{aid2}/cases/{cid}")
        b.wait(lambda: b.finds("#feedback-pending"), "the test-mode 'submitted' notice")
        check(not b.finds("#feedback-score") and not b.finds("#scan-canvas"), "test mode shows no score and no key")
        b.shot("test-mode-submitted")

        # no script error on the way: the only failed requests are the two 401s asked for (the session
        # check before logging in, and the wrong password)
        expected = ("/api/me - Failed to load resource: the server responded with a status of 401",
                    "/api/login - Failed to load resource: the server responded with a status of 401")
        errors = [line for line in b.console() if "SEVERE" in line or "Uncaught" in line or "Failed" in line]
        errors = [line for line in errors if not any(e in line for e in expected)]
        check(not errors, f"the browser's console has errors: {errors[:5]}")

    def decoder_checks(self):
        """js/png.js against PNGs written here with all five row filters, then a seeded fuzz loop."""
        import base64
        import random

        rng = random.Random(20261129)
        for width, height in ((1, 1), (7, 5), (33, 17)):
            samples = [rng.randrange(65536) for _ in range(width * height)]
            png = base64.b64encode(write_png16(width, height, samples)).decode()
            decoded = self.b.js_async(
                """const {decodePNG} = await import('/js/png.js');
                const bytes = Uint8Array.from(atob(args[0]), (c) => c.charCodeAt(0));
                const image = await decodePNG(bytes.buffer);
                return {width: image.width, height: image.height, depth: image.bitDepth, samples: Array.from(image.samples)};""",
                png)
            check((decoded["width"], decoded["height"], decoded["depth"]) == (width, height, 16),
                  f"png.js reads the header of a {width}×{height} 16-bit PNG: {decoded['width']}×{decoded['height']}")
            check(decoded["samples"] == samples, f"png.js decodes every sample of a {width}×{height} PNG with all five filters")
        # fuzz: flipped, inserted and cut bytes (CRCs made right half the time so the inside is reached)
        base = write_png16(24, 12, [rng.randrange(65536) for _ in range(24 * 12)])
        cases = []
        for n in range(300):
            png = bytearray(base)
            for _ in range(rng.randint(1, 4)):
                what = rng.random()
                at = rng.randrange(8, len(png))
                if what < 0.6:
                    png[at] = rng.randrange(256)
                elif what < 0.8:
                    png.insert(at, rng.randrange(256))
                else:
                    del png[at:]
                    break
            mutated = recompute_crcs(png) if n % 2 else bytes(png)
            cases.append(base64.b64encode(mutated).decode())
        outcome = self.b.js_async(
            """const {decodePNG, PNGError} = await import('/js/png.js');
            const counts = {decoded: 0, refused: 0, other: []};
            for (const text of args[0]) {
              const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
              try {
                const image = await decodePNG(bytes.buffer);
                if (image.samples.length !== image.width * image.height * image.channels) counts.other.push('wrong sample count');
                else counts.decoded++;
              } catch (e) {
                if (e instanceof PNGError) counts.refused++; else counts.other.push(String(e));
              }
            }
            return counts;""", cases)
        check(not outcome["other"], f"png.js fails on damaged PNGs only with PNGError: {outcome['other'][:3]}")
        check(outcome["refused"] > 100, f"png.js refuses damaged PNGs ({outcome})")

    def viewer_checks(self, aid, cid, case):
        b = self.b
        scans = {s["file"]: s for s in case["screening"]["scans"]}
        ref = scans["scan-high.png"]
        width, height, pitch = ref["widthPixels"], ref["heightPixels"], ref["pixelPitchMM"]

        # the whole scan in view shows a reduced level; the probe still reads the server's exact samples, and the
        # material class those samples give
        self.press("0")
        t = self.transform()
        check(t["zoom"] < 1, f"the whole scan is in view at fit (zoom {t['zoom']})")
        calibration = json.loads(urllib.request.urlopen(f"{self.server.url}/calibration/{ref['profile']}.json").read())
        for fx, fy in ((0.31, 0.43), (0.62, 0.57)):
            sx, sy = t["ox"] + fx * width * t["zoom"], t["oy"] + fy * height * t["zoom"]
            x, y = math.floor((sx + 0.5 - t["ox"]) / t["zoom"]), math.floor((sy + 0.5 - t["oy"]) / t["zoom"])
            self.hover(math.floor(sx), math.floor(sy))
            b.wait(lambda: b.find("#viewer-probe").get_attribute("data-x") is not None, f"the probe near ({x}, {y})")
            shown = b.find("#viewer-probe")
            px, py = int(shown.get_attribute("data-x")), int(shown.get_attribute("data-y"))
            check(abs(px - x) <= 4 and abs(py - y) <= 4, f"the probe reads ({px}, {py}) under the pointer at ({x}, {y})")
            hi = self.probe(aid, cid, "scan-high.png", px, py)["value"]
            check(int(shown.get_attribute("data-value")) == hi,
                  f"probe at fit ({px}, {py}): the viewer reads {shown.get_attribute('data-value')}, the server {hi}")
            if "scan-low.png" in scans and calibration["isDualEnergy"]:
                lo = self.probe(aid, cid, "scan-low.png", px, py)["value"]
                high, low = self.channels(cid)
                check((high(px, py), low(px, py)) == (hi, lo),
                      f"the course's PNGs hold the server's samples at ({px}, {py})")
                names = ["unknown", "organic", "mixed", "inorganic", "heavyMetal", "saturated"]
                want = names[material_class(high, low, width, height, px, py, calibration)]
                # the class needs the 7 × 7 window: the viewer may fetch the class map first
                b.wait(lambda: b.find("#viewer-probe").get_attribute("data-material") is not None,
                       f"the probe's class at ({px}, {py})")
                shown = b.find("#viewer-probe")
                check(shown.get_attribute("data-material") == want,
                      f"probe at fit ({px}, {py}): class {shown.get_attribute('data-material')}, the local-ratio rule "
                      f"over the samples gives {want}")

        # zoom to at least 3 screen pixels per image pixel, around the centre
        self.press("0")
        for _ in range(30):
            if self.transform()["zoom"] >= 3:
                break
            self.press("+")
        t = self.transform()
        check(t["zoom"] >= 3, f"the + key zooms in (zoom {t['zoom']})")
        self.wait_complete("zoomed in")
        fetched = {r["name"] for r in self.resources() if "/scan-high.png/tiles/0/" in r["name"]}
        check(fetched, "zooming in fetches full-resolution tiles")
        columns, rows = math.ceil(width / 256), math.ceil(height / 256)
        check(len(fetched) < columns * rows,
              f"zooming in fetches only the part in view: {len(fetched)} of {columns * rows} tiles")
        centre = ((t["w"] / 2 - t["ox"]) / t["zoom"], (t["h"] / 2 - t["oy"]) / t["zoom"])
        pixels = [(int(centre[0]) + dx, int(centre[1]) + dy) for dx, dy in ((0, 0), (7, -5), (-9, 4), (13, 9))]
        pixels = [(min(width - 2, max(1, x)), min(height - 2, max(1, y))) for x, y in pixels]

        # window/level set by hand: every pixel is the formula's grey of the server's sample
        self.set_input("#viewer-level", 42000)
        self.set_input("#viewer-width", 30000)
        self.set_input("#viewer-gamma", "1", "input")
        samples = {}
        for x, y in pixels:
            samples[(x, y)] = self.probe(aid, cid, "scan-high.png", x, y)["value"]
        state = self.viewer_state()
        check(state["level"] == 42000 and state["width"] == 30000, f"the window/level inputs hold: {state}")
        for (x, y), value in samples.items():
            sx, sy = self.screen_of(x, y)
            got = self.pixel(sx, sy)
            want = grey(value, 42000, 30000, 1.0, False)
            check(abs(got[0] - want) <= 1 and got[0] == got[1] == got[2],
                  f"pixel ({x}, {y}) sample {value}: canvas {got[:3]}, window/level gives {want}")
        # a narrower window around one sample: that sample sits mid-grey, and contrast grows
        x0, y0 = pixels[0]
        self.set_input("#viewer-level", samples[(x0, y0)])
        self.set_input("#viewer-width", 2000)
        got = self.pixel(*self.screen_of(x0, y0))[0]
        check(abs(got - 128) <= 1, f"a window centred on the sample shows it mid-grey, not {got}")

        # the probe read-out against /probe
        self.set_input("#viewer-level", 42000)
        self.set_input("#viewer-width", 30000)
        for x, y in pixels[:3]:
            self.hover(*self.screen_of(x, y))
            b.wait(lambda: b.find("#viewer-probe").get_attribute("data-x") == str(x)
                   and b.find("#viewer-probe").get_attribute("data-y") == str(y), f"the probe at ({x}, {y})")
            shown = b.find("#viewer-probe")
            server = self.probe(aid, cid, "scan-high.png", x, y)
            check(int(shown.get_attribute("data-value")) == server["value"],
                  f"probe at ({x}, {y}): the viewer reads {shown.get_attribute('data-value')}, the server {server['value']}")
            check(abs(float(shown.get_attribute("data-transmission")) - server["transmission"]) <= 1e-9 + 1e-6 * server["transmission"],
                  f"probe transmission {shown.get_attribute('data-transmission')} vs the server's {server['transmission']}")
            check(abs(server["transmission"] - transmission(server["value"])) <= 1e-6 * max(1e-6, server["transmission"]),
                  "the server's transmission follows the 16-bit encoding")
        self.b.shot("viewer-probe")

        # invert: 255 − the grey
        before = {p: self.pixel(*self.screen_of(*p))[0] for p in pixels}
        b.find("#viewer-invert").click()
        for p in pixels:
            got = self.pixel(*self.screen_of(*p))[0]
            check(got == 255 - before[p], f"invert turns {before[p]} into {255 - before[p]}, canvas shows {got}")
        b.find("#viewer-invert").click()

        # gamma 2: grey = 255 · n^(1/2)
        self.set_input("#viewer-gamma", "2", "input")
        for p in pixels:
            got = self.pixel(*self.screen_of(*p))[0]
            want = grey(samples[p], 42000, 30000, 2.0, False)
            check(abs(got - want) <= 1, f"gamma 2 at {p}: canvas {got}, formula {want}")
        self.set_input("#viewer-gamma", "1", "input")

        # edge enhancement: g + 1.5 (g − mean of the 3×3 neighbourhood), on the windowed greys
        b.find("#viewer-edges").click()
        x, y = pixels[1]
        neighbourhood = [grey(self.probe(aid, cid, "scan-high.png", x + dx, y + dy)["value"], 42000, 30000, 1.0, False)
                         for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        g = neighbourhood[4]
        want = min(255, max(0, g + 1.5 * (g - sum(neighbourhood) / 9)))
        got = self.pixel(*self.screen_of(x, y))[0]
        check(abs(got - want) <= 1, f"edge enhancement at ({x}, {y}): canvas {got}, rule {want:.1f}")
        b.find("#viewer-edges").click()

        # the low channel (key 2): the probe reads scan-low.png
        self.press("2")
        b.wait(lambda: b.find("#scan-canvas").get_attribute("data-view") == "low", "the low-energy view")
        self.wait_complete("the low view")
        x, y = pixels[2]
        self.hover(*self.screen_of(x, y))
        b.wait(lambda: b.find("#viewer-probe").get_attribute("data-file") == "scan-low.png", "the probe on scan-low.png")
        low = self.probe(aid, cid, "scan-low.png", x, y)
        check(int(b.find("#viewer-probe").get_attribute("data-value")) == low["value"], "the low-channel probe matches the server")
        got = self.pixel(*self.screen_of(x, y))[0]
        state = self.viewer_state()
        check(abs(got - grey(low["value"], state["level"], state["width"], state["gamma"], False)) <= 1,
              "the low view shows the low channel through the window")

        # the colour view (key 3) is the server's scan.png
        self.press("3")
        b.wait(lambda: b.find("#scan-canvas").get_attribute("data-view") == "colour", "the colour view")
        b.wait(lambda: b.js("const l = document.querySelector('.viewer-loading'); return l && l.hidden;"), "scan.png")
        self.wait_complete("the colour view")
        colour_path = os.path.join(self.server.course, "stages", "screening", cid, "scan.png")
        cw, ch, channels, _, rows = read_png(colour_path, max(y for _, y in pixels))
        for x, y in pixels:
            want = list(rows[y][x * channels : x * channels + 3])
            got = self.pixel(*self.screen_of(x, y))[:3]
            check(all(abs(a - b_) <= 1 for a, b_ in zip(got, want)), f"colour view at ({x}, {y}): canvas {got}, scan.png {want}")

        # the organic filter: a pixel stays as it was when the local-ratio rule classes it organic, else goes white
        from selenium.webdriver.support.ui import Select

        Select(b.find("#viewer-filter")).select_by_value("organic")
        b.wait(lambda: b.js("const l = document.querySelector('.viewer-loading'); return l && l.hidden;"), "the classes")
        grid = [(int(centre[0]) + dx, int(centre[1]) + dy) for dx in range(-60, 61, 20) for dy in range(-40, 41, 20)]
        grid = [(x, y) for x, y in grid if 0 <= x < width and 0 <= y < height]
        agree, organic = 0, 0
        _, _, _, _, rows = read_png(colour_path, max(y for _, y in grid))
        for x, y in grid:
            try:
                sx, sy = self.screen_of(x, y)
            except Failure:
                continue
            high, low = self.channels(cid)
            kept = material_class(high, low, width, height, x, y, calibration) == 1
            organic += kept
            got = self.pixel(sx, sy)[:3]
            want = list(rows[y][x * channels : x * channels + 3]) if kept else [255, 255, 255]
            agree += all(abs(a - b_) <= 1 for a, b_ in zip(got, want))
        check(agree >= len(grid) - 1, f"organic filter: {agree} of {len(grid)} pixels as the local-ratio rule classes them")
        self.b.shot("viewer-organic")
        Select(b.find("#viewer-filter")).select_by_value("all")
        self.press("1")
        b.wait(lambda: b.find("#scan-canvas").get_attribute("data-view") == "high", "back to the high view")

        # the ruler: 100 image pixels along a row are 100 × pitch mm
        self.press("r")
        x, y = pixels[0]
        x1 = x + 100 if x + 100 < width else x - 100
        self.press("0")
        a = self.screen_of_fit(x, y)
        c = self.screen_of_fit(x1, y)
        self.drag(a, c)
        mm = float(b.find("#viewer-ruler").get_attribute("data-mm"))
        t = self.transform()
        tolerance = 2 / t["zoom"] * pitch  # one screen pixel at each end
        check(abs(mm - 100 * pitch) <= tolerance, f"the ruler reads {mm:.1f} mm over 100 px at {pitch} mm/px")
        check("mm" in b.find("#viewer-ruler").text, "the ruler shows mm")

        # mark a region (key b), then another, delete the second with the Delete key
        self.press("b")
        box = (max(0, x - 40), max(0, y - 30), min(width - 1, x + 40), min(height - 1, y + 30))
        self.drag(self.screen_of_fit(box[0], box[1]), self.screen_of_fit(box[2], box[3]))
        b.wait(lambda: len(b.finds("#mark-list li:not(.empty)")) == 1, "one marked region")
        self.drag(self.screen_of_fit(max(0, x - 200), max(0, y - 20)), self.screen_of_fit(max(10, x - 150), min(height - 1, y + 20)))
        b.wait(lambda: len(b.finds("#mark-list li:not(.empty)")) == 2, "a second marked region")
        self.press("\ue017")  # Delete
        b.wait(lambda: len(b.finds("#mark-list li:not(.empty)")) == 1, "Delete removes the selected mark")
        # without a mouse: zoom onto a part of the scan and press Enter to mark what is in view
        for _ in range(4):
            self.press("+")
        self.press("\ue007")  # Enter
        b.wait(lambda: len(b.finds("#mark-list li:not(.empty)")) == 2, "Enter marks the part in view")
        t = self.transform()
        kept = json.loads(b.js("return sessionStorage.getItem(arguments[0])", f"cargosim.marks.{aid}.{cid}"))[-1]
        want_width = min(width, t["w"] / t["zoom"])
        check(abs(kept["width"] - want_width) <= 2 and kept["x"] >= 0 and kept["x"] + kept["width"] <= width,
              f"the view's mark spans the visible part ({want_width:.0f} px wide): {kept}")
        self.press("\ue017")
        b.wait(lambda: len(b.finds("#mark-list li:not(.empty)")) == 1, "Delete removes the view's mark")
        self.press("0")
        saved = json.loads(b.js("return sessionStorage.getItem(arguments[0])", f"cargosim.marks.{aid}.{cid}"))
        check(len(saved) == 1 and abs(saved[0]["x"] - box[0]) <= 3 and abs(saved[0]["width"] - (box[2] - box[0])) <= 6,
              f"the mark is where it was drawn: {saved} vs {box}")

        # the help overlay
        self.press("?")
        b.wait(lambda: b.find("#viewer-help").is_displayed(), "the help overlay")
        check("Keyboard shortcuts" in b.find("#viewer-help").text, "the help lists the shortcuts")
        self.b.shot("viewer-help")
        b.find("#viewer-help button").click()
        b.wait(lambda: not b.find("#viewer-help").is_displayed(), "the help closes")
        self.b.shot("viewer-marked")

    def screen_of_fit(self, ix, iy):
        """The screen position of an image pixel at any zoom (centre of its footprint)."""
        t = self.transform()
        return (t["ox"] + (ix + 0.5) * t["zoom"], t["oy"] + (iy + 0.5) * t["zoom"])


def report_failure(what, error, browser, server):
    """Says what failed, with a screenshot of the moment, the browser's console and the server's log."""
    print(f"{what} FAILED: {error}", file=sys.stderr)
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cargosim", default=os.path.join(ROOT, ".build", "debug", "cargosim"))
    parser.add_argument("--out", help="folder for screenshots (default: .build/browser-test/screenshots)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary course and database")
    parser.add_argument("--server-url", help=argparse.SUPPRESS)  # development: a server already running ...
    parser.add_argument("--course", help=argparse.SUPPRESS)  # ... on this course
    args = parser.parse_args()
    if not args.server_url:
        check(os.access(args.cargosim, os.X_OK), f"{args.cargosim} is not there; build it first (swift build)")
    work = tempfile.mkdtemp(prefix="cargosim-browser-")
    out = args.out or os.path.join(ROOT, ".build", "browser-test", "screenshots")
    if not args.out:
        shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    server = Server(os.path.abspath(args.cargosim), work)
    browser = None
    started = time.time()
    try:
        if args.server_url:
            server.url, server.course = args.server_url, args.course
            index = json.load(open(os.path.join(server.course, "course.json")))
            server.cases = {c: read_case(server.course, c) for c in index["caseIds"]}
        else:
            server.prepare()
            server.start()
        browser = Browser(out)
        test = WorkspaceTest(server, browser)
        test.run()
        print(f"browser test passed in {time.time() - started:.0f} s; screenshots in {out}")
        for name in browser.shots:
            print(f"  {name}")
        for name, value in test.figures.items():
            print(f"{name}: {value:,} bytes")
        for name, seconds in getattr(test, "waits", {}).items():
            print(f"a class of {CLASS_SIZE} on a shared {LINK_BITS_PER_SECOND / 1e6:g} Mbit/s link waits {seconds:.1f} s for {name}")
        return 0
    except Exception as error:
        report_failure("BROWSER TEST", error, browser, server)
        args.keep = True
        return 1
    finally:
        if browser:
            browser.quit()
        server.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        elif args.keep:
            print(f"kept {work}")


if __name__ == "__main__":
    sys.exit(main())
