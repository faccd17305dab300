"""Fuzz a fresh `serve` process with the generators of tests/protocol/fuzzing.py and print what it answered.

    python bench/fuzz.py [--requests 10000] [--seed N]

Every request is one of the three Personalize APIs' operations, with a body built from the operation's input shape
and then spoilt (wrong types, missing or unknown members, huge or odd strings, deep nesting, numbers out of range),
or a body that is no JSON object at all. The server runs in its own process, so a crash shows as a dropped
connection or a dead process; its log is searched for internal errors (a 500 answered, or a background job that
failed on a bug). Prints a Markdown table, and the first failing requests if there are any.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import requests
from hypothesis import HealthCheck, Phase, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "false"

from bench import fuzzing  # noqa: E402
from personalize_emulator.adapters.child_process import ServerProcess  # noqa: E402

# Lines the server logs for a bug of ours: a request answered 500, or a background job that raised.
INTERNAL_ERRORS = ("internal error serving", "failed\nTraceback", "Internal error in personalize_emulator")


def run(count: int, random_seed: int) -> None:
    server = ServerProcess(log_path=Path(tempfile.mkdtemp(prefix="personalize-fuzz-")) / "server.log")
    server.start()
    url, log = server.url, server.log_path
    try:
        pool = fuzzing.deploy(url)
        strategy = fuzzing.hostile_requests(pool)
        session = requests.Session()
        tally = fuzzing.Tally()

        @seed(random_seed)
        @settings(
            max_examples=count,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(strategy)
        def send(request: fuzzing.FuzzRequest) -> None:
            outcome, response = fuzzing.fire(session, url, request)
            tally.add(outcome, request, response)
            if outcome == "crash" and server.process.poll() is not None:
                raise SystemExit(f"the server died; see {log}")

        started = time.monotonic()
        send()
        seconds = time.monotonic() - started
        alive = server.process.poll() is None and fuzzing.judge(_list_recipes(session, url)) == "2xx"
    finally:
        server.kill()
    text = log.read_text(errors="replace")
    internal = sum(text.count(marker) for marker in INTERNAL_ERRORS)
    counts = tally.counts
    sent = sum(counts.values())
    print(f"Fuzzing a fresh server: {sent:,} requests, seed {random_seed}, {os.cpu_count()} CPU cores.\n")
    print("| requests sent | 4xx | 2xx | 501 | 5xx | malformed answers | crashes | internal errors logged | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| {sent:,} | {counts['4xx']:,} | {counts['2xx']:,} | {counts['501']:,} | {counts['5xx']:,} | "
        f"{counts['malformed']:,} | {counts['crash']:,} | {internal:,} | {seconds:.0f} |"
    )
    print(f"\nThe server {'still answers' if alive else 'NO LONGER ANSWERS'} afterwards; its log: {log}")
    for outcome, request, detail in tally.failures:
        print(f"\n{outcome}: {request!r}\n  -> {detail}")


def _list_recipes(session: requests.Session, url: str) -> requests.Response | None:
    request = fuzzing.FuzzRequest(
        "personalize",
        "ListRecipes",
        "/",
        {
            "Authorization": "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/personalize/aws4_request, "
            "SignedHeaders=host, Signature=" + "0" * 64,
            "X-Amz-Target": "AmazonPersonalize.ListRecipes",
            "Content-Type": "application/x-amz-json-1.1",
        },
        b"{}",
    )
    return fuzzing.fire(session, url, request)[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10_000, help="how many requests to send (default 10,000)")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="hypothesis's seed (default: the clock)")
    args = parser.parse_args()
    run(args.requests, args.seed)


if __name__ == "__main__":
    main()
