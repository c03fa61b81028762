#!/usr/bin/env python3
"""Runs a `swift test` command and watches it for a stall.

    scripts/test-watchdog.py [--silence SECONDS] [--attempts N] [--traces FILE] -- swift test …

The command's output passes through unchanged. When it prints nothing for SECONDS (default 240; the longest
test of the suite takes about 100 s, and the others keep printing meanwhile), the run has stalled: the
watchdog names the tests that started and did not finish, writes every thread's stack of the test process to
FILE (with gdb, when installed), stops the run and every process it started, and runs the command again, up
to ATTEMPTS runs in all (default 3). The exit status is the first run that did not stall; a failing test
before a stall, or every run stalling, fails.

Why: on two cores the suite sometimes stalls near its end (two runs in five one evening), every thread idle
and some twenty server tests waiting, with no test failing first (docs/architecture.md, "A stalled run"). The
cause is not found; a stall is reported loudly, with the stacks to find it, rather than left to hang CI until
its time limit.
"""
import argparse
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import time

STARTED = re.compile(r"^◇ Test (.+) started\.$")
ENDED = re.compile(r"^[✔✘↷] Test (.+?)(?: with \d+ test cases?)? (?:passed|failed|skipped)\b")
FAILED = re.compile(r"^✘ Test .+ failed\b")
ESCAPES = re.compile(r"\x1b\[[0-9;]*m")


def descendants(pid):
    """Process ids below `pid`, from /proc."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def command_line(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def write_traces(pid, path):
    """Every thread's stack of the test processes below `pid`, into `path`; returns what it wrote about."""
    gdb = shutil.which("gdb")
    if gdb is None:
        return "gdb is not installed: no stacks written"
    targets = [p for p in [pid] + descendants(pid) if "PackageTests" in command_line(p)]
    if not targets:
        return "no test process found: no stacks written"
    with open(path, "w") as out:
        for target in targets:
            out.write(f"=== {target}: {command_line(target)}\n")
            out.flush()
            subprocess.run(
                [gdb, "-batch", "-p", str(target), "-ex", "info threads", "-ex", "thread apply all bt 25"],
                stdout=out, stderr=subprocess.STDOUT, timeout=120)
    return f"stacks of {len(targets)} test process(es) in {path}"


MODULES = "TrainingServer|PostgresStorage|Storage|CaseBundle|CaseGeneration|XRayImaging|Scoring|CargoModel|cargosim"
# A frame of the project's own code: its mangled symbol starts with one of its modules, or its source is in Sources/.
PROJECT = re.compile(rf"\$s\d+(?:{MODULES})|/Sources/(?:{MODULES})/")


def summarise(path, most=60):
    """The threads and the project's own frames in the stacks, for the log (the file stays in .build)."""
    try:
        with open(path, errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return
    shown = [l for l in lines if re.match(r"^[* ] +\d+ +Thread ", l) or (l.startswith("#") and PROJECT.search(l))]
    for line in shown[:most]:
        print("WATCHDOG:   " + line[:200], flush=True)
    if len(shown) > most:
        print(f"WATCHDOG:   … {len(shown) - most} more lines in {path}", flush=True)


def run(command, silence, traces):
    """Runs `command`; returns (exit status, stalled, a test failed)."""
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as error:
        print(f"test-watchdog: cannot run {command[0]}: {error.strerror}; check the command.", flush=True)
        return 127, False, False
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    running, failed, pending = set(), False, b""
    last = time.monotonic()
    while True:
        if selector.select(timeout=5):
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            last = time.monotonic()
            sys.stdout.buffer.write(chunk)
            sys.stdout.flush()
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for raw in lines:
                line = ESCAPES.sub("", raw.decode(errors="replace")).rstrip("\r")
                if (m := STARTED.match(line)) and m.group(1) != "run" and not m.group(1).startswith("case passing"):
                    running.add(m.group(1))
                elif m := ENDED.match(line):
                    running.discard(m.group(1))
                if FAILED.match(line):
                    failed = True
        elif time.monotonic() - last >= silence:
            print(f"\nWATCHDOG: no output for {silence} s: the test run has stalled.", flush=True)
            print(f"WATCHDOG: still running ({len(running)}): " + ", ".join(sorted(running)), flush=True)
            try:
                print(f"WATCHDOG: {write_traces(process.pid, traces)}", flush=True)
                summarise(traces)
            except Exception as error:  # the diagnosis must not hide the stall
                print(f"WATCHDOG: could not write the stacks: {error}", flush=True)
            # `swift test` starts the test binary in a process group of its own: kill every descendant by its id.
            victims = descendants(process.pid)
            os.killpg(process.pid, signal.SIGKILL)
            for victim in victims:
                try:
                    os.kill(victim, signal.SIGKILL)
                except OSError:
                    pass
            process.wait()
            return 1, True, failed
    return process.wait(), False, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--silence", type=int, default=240, help="seconds without output that mean a stall")
    parser.add_argument("--attempts", type=int, default=3, help="runs at most, while each stalls (1 or more)")
    parser.add_argument("--traces", default=".build/test-stall-stacks.txt", help="where the stacks go")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the swift test command, after --")
    arguments = parser.parse_args()
    command = arguments.command[1:] if arguments.command[:1] == ["--"] else arguments.command
    if not command:
        parser.error("give the command to run after --")
    if arguments.attempts < 1:
        parser.error("give --attempts of 1 or more")
    for attempt in range(1, arguments.attempts + 1):
        traces = arguments.traces if attempt == 1 else f"{arguments.traces}.{attempt}"
        status, stalled, failed = run(command, arguments.silence, traces)
        if not stalled:
            if attempt > 1:
                print(f"WATCHDOG: run {attempt} ended with status {status}; the {attempt - 1} before it STALLED "
                      "(stacks above).", flush=True)
            return status
        if failed:
            print("WATCHDOG: a test had failed before the stall; not running again.", flush=True)
            return 1
        if attempt < arguments.attempts:
            print(f"WATCHDOG: running the tests again (run {attempt + 1} of at most {arguments.attempts}).",
                  flush=True)
    print(f"WATCHDOG: all {arguments.attempts} runs stalled.", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
