"""Soak: events through many threads into `serve --data-dir`, a `kill -9` while they are still arriving, a
restart, then a dataset export job that counts every acknowledged event. Loopback only; bounded in count and time.

    python bench/soak.py [--events 20000] [--threads 8] [--seconds 300]

An event is acknowledged when its `put_events` call answered 200. The goal is that none of those is lost.
Events whose call was cut by the kill were never acknowledged: kept or not, they do not count as lost.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import threading
import time
from pathlib import Path

import boto3
import numpy as np
import pandas as pd
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from helpers import Target, create_bucket, create_personalize_role, deploy_campaign, wait_for_active  # noqa: E402
from personalize_emulator.adapters.child_process import ServerProcess  # noqa: E402
from personalize_emulator.demo import INTERACTIONS_SCHEMA, synthetic_interactions  # noqa: E402

BATCH = 10
POPULARITY = "arn:aws:personalize:::recipe/aws-popularity-count"


def target_for(url: str) -> Target:
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    return Target("server", session, url, poll=0.02)


def setup(target: Target) -> dict[str, str]:
    """A dataset group with a popularity campaign and an event tracker."""
    made = deploy_campaign(target, "soak", synthetic_interactions(), INTERACTIONS_SCHEMA, POPULARITY)
    p = target.client("personalize")
    tracker = p.create_event_tracker(name="soak", datasetGroupArn=made["group"])
    wait_for_active(target, tracker["eventTrackerArn"], personalize=p)
    return {"dataset": made["dataset"], "campaign": made["campaign"], "tracking_id": tracker["trackingId"]}


class Load:
    """M threads each sending its share of the events in batches of 10, with a recommendation call between."""

    def __init__(self, target: Target, ids: dict[str, str], events: int, threads: int):
        config = Config(max_pool_connections=threads * 2, retries={"max_attempts": 1})
        self.events = target.session.client("personalize-events", endpoint_url=target.endpoint_url, config=config)
        self.runtime = target.session.client("personalize-runtime", endpoint_url=target.endpoint_url, config=config)
        self.ids, self.per_thread, self.threads = ids, events // threads, threads
        self.acknowledged: list[str] = []
        self.put_ms: list[float] = []
        self.recommend_ms: list[float] = []
        self.cut = 0
        self._lock = threading.Lock()

    def worker(self, number: int, deadline: float) -> None:
        for start in range(0, self.per_thread, BATCH):
            if time.monotonic() > deadline:
                return
            batch = [f"t{number}-e{start + k}" for k in range(BATCH)]
            events = [{"eventType": "click", "itemId": i, "sentAt": 1_800_000_000 + start} for i in batch]
            began = time.perf_counter()
            try:
                self.events.put_events(
                    trackingId=self.ids["tracking_id"], userId=f"t{number}", sessionId=f"s{number}", eventList=events
                )
            except (BotoCoreError, ClientError):
                with self._lock:
                    self.cut += len(batch)
                return  # the server is gone: this thread stops
            middle = time.perf_counter()
            with self._lock:
                self.acknowledged += batch
                self.put_ms.append((middle - began) * 1000)
            try:
                self.runtime.get_recommendations(campaignArn=self.ids["campaign"], userId=f"t{number}", numResults=10)
            except (BotoCoreError, ClientError):
                return
            with self._lock:
                self.recommend_ms.append((time.perf_counter() - middle) * 1000)

    def run(self, kill_after: float, server: ServerProcess, deadline: float) -> float:
        """Send until done, killing the server once `kill_after` of the events were acknowledged; seconds taken."""
        threads = [threading.Thread(target=self.worker, args=(n, deadline)) for n in range(self.threads)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            if len(self.acknowledged) >= kill_after * self.per_thread * self.threads and server.process.poll() is None:
                server.kill()
            time.sleep(0.01)
        return time.perf_counter() - started


def exported_ids(target: Target, dataset: str) -> set[str]:
    """Every PUT record of the dataset, through a dataset export job into a fresh bucket (moto's S3 is not kept)."""
    p = target.client("personalize")
    bucket = create_bucket(target, "soak-export", ("s3:GetObject", "s3:ListBucket", "s3:PutObject"))
    role = create_personalize_role(target, "soak-export")
    job = p.create_dataset_export_job(
        jobName="soak-export", datasetArn=dataset, roleArn=role, ingestionMode="PUT",
        jobOutput={"s3DataDestination": {"path": f"s3://{bucket}/out/"}},
    )["datasetExportJobArn"]  # fmt: skip
    wait_for_active(target, job, personalize=p)
    s3 = target.client("s3")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="out/")["Contents"]]
    frames = [pd.read_csv(io.BytesIO(s3.get_object(Bucket=bucket, Key=k)["Body"].read()), dtype=str) for k in keys]
    return set(pd.concat(frames)["ITEM_ID"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--kill-after", type=float, default=0.6, help="share of events acknowledged before kill -9")
    parser.add_argument("--seconds", type=float, default=300, help="stop sending after this long in any case")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(Path(folder) / "state")
        server.start()
        target = target_for(server.url)
        ids = setup(target)
        load = Load(target, ids, args.events, args.threads)
        seconds = load.run(args.kill_after, server, time.monotonic() + args.seconds)
        server.restart()
        found = exported_ids(target, ids["dataset"])
        server.kill()
    lost = set(load.acknowledged) - found
    rate = len(load.acknowledged) / seconds
    print(f"Soak: {args.threads} threads on loopback, put_events of {BATCH} events with a get_recommendations after")
    print("each, kill -9 once, restart, dataset export job.\n")
    print("| measure | value |")
    print("|---|---|")
    print(f"| events acknowledged (200) before the kill | {len(load.acknowledged):,} |")
    print(f"| events cut by the kill (never acknowledged) | {load.cut:,} |")
    print(f"| load held: events/s, while recommending too | {rate:,.0f} |")
    print(
        f"| put_events p50 / p99 (ms) | {np.percentile(load.put_ms, 50):.1f} / {np.percentile(load.put_ms, 99):.1f} |"
    )
    p50, p99 = np.percentile(load.recommend_ms, 50), np.percentile(load.recommend_ms, 99)
    print(f"| get_recommendations p50 / p99 (ms) | {p50:.1f} / {p99:.1f} |")
    restored = server.restored.rsplit(": ", 1)[-1]
    print(f"| faults survived | 1 kill -9 and restart ({restored}) |")
    print(f"| acknowledged events found after the restart | {len(set(load.acknowledged) & found):,} |")
    print(f"| **acknowledged events lost** | **{len(lost)}** |")


if __name__ == "__main__":
    main()
