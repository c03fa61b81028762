#!/usr/bin/env python3
"""Runs the README's example blocks exactly as written, each in a fresh temporary folder.

    python3 Tests/readme/run_examples.py [--cargosim .build/debug/cargosim] [--readme README.md] [--keep]

A block is an example when the line `<!-- example -->` comes right before its fence (blank lines between
are allowed). Each block runs with `bash -e -o pipefail` in a new temporary folder that stands for the
repository's (or the unpacked tarball's) root: `Assets/` and `Cases/` are linked in from this repository,
and the built `cargosim` is first on PATH. A command that exits non-zero fails the block; the script
prints the block, its output and its exit status, and exits 1. Every block runs even when one fails.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
MARKER = "<!-- example -->"
FENCE = re.compile(r"^```(\w*)\s*$")


def examples(text):
    """The marked blocks as (line number of the fence, language, code)."""
    lines = text.split("\n")
    found = []
    i = 0
    while i < len(lines):
        if lines[i].strip() != MARKER:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        fence = FENCE.match(lines[j]) if j < len(lines) else None
        if not fence:
            raise SystemExit(f"README line {i + 1}: {MARKER} must come right before a fenced code block")
        k = j + 1
        while k < len(lines) and not lines[k].startswith("```"):
            k += 1
        if k == len(lines):
            raise SystemExit(f"README line {j + 1}: the example's code block is not closed")
        if fence.group(1) not in ("sh", "bash", "shell", ""):
            raise SystemExit(f"README line {j + 1}: an example must be a shell block, not {fence.group(1)!r}")
        found.append((j + 1, fence.group(1), "\n".join(lines[j + 1:k]) + "\n"))
        i = k + 1
    return found


def run(block, cargosim, keep):
    """Runs one block in a fresh folder; returns (exit status, output, seconds, folder)."""
    folder = tempfile.mkdtemp(prefix="cargosim-readme-")
    for name in ("Assets", "Cases"):
        os.symlink(os.path.join(ROOT, name), os.path.join(folder, name))
    bin_dir = os.path.join(folder, ".bin")
    os.makedirs(bin_dir)
    os.symlink(cargosim, os.path.join(bin_dir, "cargosim"))
    env = dict(os.environ)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    env.pop("CARGOSIM_ASSETS", None)
    env.setdefault("LANG", "C.UTF-8")
    started = time.time()
    result = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", block], cwd=folder, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    seconds = time.time() - started
    if not keep:
        shutil.rmtree(folder, ignore_errors=True)
    return result.returncode, result.stdout, seconds, folder


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cargosim", default=os.path.join(ROOT, ".build", "debug", "cargosim"))
    parser.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
    parser.add_argument("--keep", action="store_true", help="keep each block's folder")
    args = parser.parse_args()
    cargosim = os.path.abspath(args.cargosim)
    if not os.access(cargosim, os.X_OK):
        print(f"{cargosim} is not there; build it first (swift build)", file=sys.stderr)
        return 1
    blocks = examples(open(args.readme, encoding="utf-8").read())
    if not blocks:
        print(f"{args.readme} has no block marked {MARKER}", file=sys.stderr)
        return 1
    failed = 0
    started = time.time()
    for line, _, code in blocks:
        status, output, seconds, folder = run(code, cargosim, args.keep)
        where = f" (kept in {folder})" if args.keep else ""
        if status == 0:
            print(f"README example at line {line}: passed in {seconds:.0f} s{where}")
        else:
            failed += 1
            print(f"README example at line {line}: FAILED with exit status {status} after {seconds:.0f} s{where}",
                  file=sys.stderr)
            print("---- the block ----\n" + code + "---- its output ----\n" + output + "----", file=sys.stderr)
    print(f"{len(blocks) - failed} of {len(blocks)} README examples passed in {time.time() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
