"""Benchmark of the emulator's hot paths, printed as a Markdown table for the README.

    python bench/emulator_bench.py [--quick]

- `get_recommendations` latency (p50, p99) on a 10,000-item catalogue, in-process (`mock_aws`) and over HTTP
  (a `serve` subprocess on loopback); the baseline is moto's own `sts.get_caller_identity`, measured in the
  same run and the same way, so the ratio is our cost over the boto3 + moto floor.
- `put_events` events per second from one client (batches of 10, and one event per call).
- Import rows per second for a 1,000,000-row interactions CSV (create to ACTIVE, pace 0).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import boto3
import numpy as np
import pandas as pd
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

import personalize_emulator  # noqa: E402
from helpers import Target, create_bucket, create_personalize_role, wait_for_active  # noqa: E402
from personalize_emulator.demo import INTERACTIONS_SCHEMA  # noqa: E402

REGION = "us-east-1"
TARGETS = {"p50 in-process": 2.0, "p50 over HTTP": 5.0, "events/s": 2000, "rows/s": 200_000}


def interactions(users: int, items: int, rows: int, seed: int = 1) -> pd.DataFrame:
    """Every item appears at least once, so the catalogue has exactly `items` items."""
    rng = np.random.default_rng(seed)
    item_ids = np.concatenate([np.arange(items), rng.integers(0, items, rows - items)])
    return pd.DataFrame(
        {
            "USER_ID": np.char.add("u", rng.integers(0, users, rows).astype(str)),
            "ITEM_ID": np.char.add("i", item_ids.astype(str)),
            "TIMESTAMP": 1_700_000_000 + rng.integers(0, 86_400 * 90, rows),
            "EVENT_TYPE": "click",
        }
    )


def csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def timings_ms(call: Callable[[], object], count: int, warmup: int = 50) -> list[float]:
    for _ in range(warmup):
        call()
    out = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


class Stack:
    """The AWS resources the benchmark needs, made through the public API of whatever endpoint is in use."""

    def __init__(self, target: Target):
        self.target = target
        self.personalize = target.client("personalize")
        self.runtime = target.client("personalize-runtime")
        self.events = target.client("personalize-events")
        self.s3 = target.client("s3")
        self.bucket = create_bucket(target, "bench-data")
        self.role = create_personalize_role(target, "bench")
        self.group = self.personalize.create_dataset_group(name="bench")["datasetGroupArn"]
        wait_for_active(self.target, self.group, personalize=self.personalize)
        schema = self.personalize.create_schema(name="bench", schema=json.dumps(INTERACTIONS_SCHEMA))["schemaArn"]
        self.dataset = self.personalize.create_dataset(
            name="bench", datasetGroupArn=self.group, datasetType="INTERACTIONS", schemaArn=schema
        )["datasetArn"]
        wait_for_active(self.target, self.dataset, personalize=self.personalize)

    def import_csv(self, body: bytes, name: str) -> float:
        """Seconds from CreateDatasetImportJob to ACTIVE."""
        self.s3.put_object(Bucket=self.bucket, Key=f"{name}.csv", Body=body)
        start = time.perf_counter()
        job = self.personalize.create_dataset_import_job(
            jobName=name,
            datasetArn=self.dataset,
            roleArn=self.role,
            dataSource={"dataLocation": f"s3://{self.bucket}/{name}.csv"},
        )["datasetImportJobArn"]
        wait_for_active(self.target, job, personalize=self.personalize)
        return time.perf_counter() - start

    def campaign(self) -> str:
        solution = self.personalize.create_solution(
            name="bench", datasetGroupArn=self.group, recipeArn="arn:aws:personalize:::recipe/aws-popularity-count"
        )["solutionArn"]
        wait_for_active(self.target, solution, personalize=self.personalize)
        version = self.personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        wait_for_active(self.target, version, personalize=self.personalize)
        campaign = self.personalize.create_campaign(name="bench", solutionVersionArn=version)["campaignArn"]
        wait_for_active(self.target, campaign, personalize=self.personalize)
        return campaign

    def latency(self, campaign: str, count: int) -> tuple[list[float], list[float]]:
        users = [f"u{n}" for n in range(1000)]
        state = {"n": 0}

        def recommend() -> None:
            state["n"] += 1
            self.runtime.get_recommendations(campaignArn=campaign, userId=users[state["n"] % len(users)], numResults=25)

        sts = self.target.client("sts")
        return timings_ms(recommend, count), timings_ms(sts.get_caller_identity, count)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller counts, for a smoke run")
    args = parser.parse_args()
    calls = 300 if args.quick else 3000
    import_rows = 100_000 if args.quick else 1_000_000
    personalize_emulator.configure(pace=0)
    catalogue = interactions(users=5_000, items=10_000, rows=60_000)
    rows: list[tuple[str, str, str, str]] = []

    with personalize_emulator.mock_aws():
        stack = Stack(Target("local", boto3.session.Session(region_name=REGION), None, poll=0.005))
        stack.import_csv(csv_bytes(catalogue), "catalogue")
        campaign = stack.campaign()
        ours, floor = stack.latency(campaign, calls)
        rows.append(
            (
                "get_recommendations p50 / p99, in-process (ms)",
                f"{p(ours, 50):.2f} / {p(ours, 99):.2f}",
                f"{p(floor, 50):.2f} / {p(floor, 99):.2f}",
                f"{p(ours, 50) / p(floor, 50):.1f}x",
            )
        )
        in_process_p50 = p(ours, 50)

        tracker = stack.personalize.create_event_tracker(name="bench", datasetGroupArn=stack.group)
        wait_for_active(stack.target, tracker["eventTrackerArn"], personalize=stack.personalize)
        for batch in (10, 1):
            sent, start = 0, time.perf_counter()
            total = (10 * calls) if batch == 10 else calls
            while sent < total:
                now = time.time()
                stack.events.put_events(
                    trackingId=tracker["trackingId"],
                    userId=f"u{sent % 500}",
                    sessionId="s",
                    eventList=[
                        {"eventType": "click", "itemId": f"i{(sent + k) % 10_000}", "sentAt": now} for k in range(batch)
                    ],
                )
                sent += batch
            rate = sent / (time.perf_counter() - start)
            rows.append(
                (f"put_events, {batch} event{'s' if batch > 1 else ''} per call (events/s)", f"{rate:,.0f}", "", "")
            )
        events_rate = float(rows[1][1].replace(",", ""))

        body = csv_bytes(interactions(users=50_000, items=20_000, rows=import_rows, seed=2))
        seconds = statistics.median(stack.import_csv(body, f"big-{n}") for n in range(3))
        rows.append(
            (
                f"import {import_rows:,}-row CSV, median of 3 (rows/s)",
                f"{import_rows / seconds:,.0f}",
                f"{seconds:.2f} s per import",
                "",
            )
        )
        import_rate = import_rows / seconds

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "personalize_emulator", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ | {"PERSONALIZE_EMULATOR_PACE": "0"},
    )
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                requests.get(f"{url}/moto-api/", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        session = boto3.session.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
        )
        stack = Stack(Target("server", session, url, poll=0.005))
        stack.import_csv(csv_bytes(catalogue), "catalogue")
        ours, floor = stack.latency(stack.campaign(), calls)
        rows.append(
            (
                "get_recommendations p50 / p99, over HTTP (ms)",
                f"{p(ours, 50):.2f} / {p(ours, 99):.2f}",
                f"{p(floor, 50):.2f} / {p(floor, 99):.2f}",
                f"{p(ours, 50) / p(floor, 50):.1f}x",
            )
        )
        http_p50 = p(ours, 50)
    finally:
        server.terminate()
        server.wait()

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    print(
        f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{calls} calls per latency figure, 10,000-item catalogue, pace 0.\n"
    )
    print("| measure | personalize_emulator | baseline: moto sts.get_caller_identity | ratio |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print("\n| target | goal | measured | met |")
    print("|---|---|---|---|")
    for name, goal, got in (
        ("p50 in-process (ms)", TARGETS["p50 in-process"], in_process_p50),
        ("p50 over HTTP (ms)", TARGETS["p50 over HTTP"], http_p50),
    ):
        print(f"| {name} | <= {goal} | {got:.2f} | {'yes' if got <= goal else 'NO'} |")
    for name, goal, got in (
        ("put_events, 10 per call (events/s)", TARGETS["events/s"], events_rate),
        ("import (rows/s)", TARGETS["rows/s"], import_rate),
    ):
        print(f"| {name} | >= {goal:,} | {got:,.0f} | {'yes' if got >= goal else 'NO'} |")


if __name__ == "__main__":
    main()
