#!/usr/bin/env python3
"""The table of `make bench-server`: p99 of the case and decision calls, scan throughput against nginx.

Usage: summary.py RESULTS_TSV SCAN_WRK_OUTPUT NGINX_WRK_OUTPUT

RESULTS_TSV has the per-call lines trainee.lua wrote (run, call, requests, req/s, p50, p99, max,
MB/s); the two wrk outputs (with --latency) are the files.lua runs of the server and of nginx.
The scan figures are appended to RESULTS_TSV so that the file holds every figure.
"""

import re
import sys

P99_AIM_MS = 25.0
SCAN_SHARE_AIM = 0.5


def wrk_figures(path):
    text = open(path).read()

    def number(pattern):
        match = re.search(pattern, text)
        if not match:
            sys.exit(f"summary: {path} has no line matching {pattern!r}; did wrk fail?")
        return match

    requests = int(number(r"(\d+) requests in").group(1))
    rate = float(number(r"Requests/sec:\s+([\d.]+)").group(1))
    value, unit = number(r"Transfer/sec:\s+([\d.]+)([KMG]?B)").groups()
    megabytes = float(value) * {"B": 1 / 2**20, "KB": 1 / 2**10, "MB": 1, "GB": 2**10}[unit] * 1.048576
    p99, p99_unit = number(r"\n\s+99%\s+([\d.]+)(us|ms|s)").groups()
    p99_ms = float(p99) * {"us": 0.001, "ms": 1, "s": 1000}[p99_unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return requests, rate, p99_ms, megabytes, int(errors.group(1)) if errors else 0


def main():
    tsv, scan_path, nginx_path = sys.argv[1:4]
    rows = [line.rstrip("\n").split("\t") for line in open(tsv) if line.strip()]
    scan = wrk_figures(scan_path)
    nginx = wrk_figures(nginx_path)
    with open(tsv, "a") as out:
        for name, (requests, rate, p99, mbps, _) in (("scan", scan), ("nginx", nginx)):
            out.write(f"{name}\tscan-high.png\t{requests}\t{rate:.1f}\t\t{p99:.3f}\t\t{mbps:.2f}\n")

    print()
    print(f"{'run':<6} {'call':<14} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'MB/s':>8}")
    for run, call, requests, rate, p50, p99, _, mbps in rows:
        print(f"{run:<6} {call:<14} {int(requests):>9} {float(rate):>8.0f} {float(p50):>8.2f} {float(p99):>8.2f} "
              f"{float(mbps):>8.1f}")
    for name, (requests, rate, p99, mbps, bad) in (("scan", scan), ("nginx", nginx)):
        print(f"{name:<6} {'scan-high.png':<14} {requests:>9} {rate:>8.0f} {'':>8} {p99:>8.2f} {mbps:>8.1f}"
              + (f"  ({bad} non-2xx)" if bad else ""))
    print()
    for run, call, _, _, _, p99, _, _ in rows:
        if call in ("case", "decision"):
            verdict = "meets" if float(p99) < P99_AIM_MS else "misses"
            print(f"p99 of {call} calls ({run} run): {float(p99):.2f} ms — {verdict} the aim of < {P99_AIM_MS:.0f} ms")
    for name, figures in (("scan", scan), ("nginx", nginx)):
        if figures[4]:
            sys.exit(f"summary: the {name} run had {figures[4]} answers other than 200; its figures mean nothing")
    share = scan[3] / nginx[3] if nginx[3] else 0
    verdict = "meets" if share >= SCAN_SHARE_AIM else "misses"
    print(f"scan throughput: {scan[3]:.1f} MB/s vs nginx {nginx[3]:.1f} MB/s = {share:.0%} — {verdict} the aim of "
          f"at least {SCAN_SHARE_AIM:.0%}")


if __name__ == "__main__":
    main()
