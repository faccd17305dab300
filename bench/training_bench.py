"""What a User-Personalization training costs through the public API (in-process, pace 0), as Markdown tables.

    python bench/training_bench.py [--quick] [--hogs N]

Rows, each with its target:
- a solution version of 5,000 interactions (the demo's synthetic clicks, 250 users x 20), median of 5 versions:
  at most 3 s; the same data's one training (the recipe called directly), and the version over it: at most 1.3x
  (the version's metrics and model come from one training);
- `performHPO` (its default 4 jobs) against a plain version, on the airline sample's data (synthetic Skytrax
  reviews, about 14,000): at most 3x;
- the version and `get_recommendations` p50 with N busy processes beside them (default: one per core) over the
  same without: at most 2.5x and 3x.
Each table says the device, the machine and its load average (`uptime`): numbers taken while other work runs
are noisy, so quote them with their load.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import boto3
import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")

import personalize_emulator  # noqa: E402
from helpers.airline import make_airline_reviews, to_personalize  # noqa: E402
from personalize_emulator import settings  # noqa: E402
from personalize_emulator.data.avro import parse_schema  # noqa: E402
from personalize_emulator.demo import INTERACTIONS_SCHEMA, synthetic_interactions  # noqa: E402
from personalize_emulator.recipes.base import TrainingConfig, TrainingData  # noqa: E402
from personalize_emulator.recipes.user_personalization import UserPersonalization  # noqa: E402
from personalize_emulator.recipes.user_personalization.bptt import resolve_device  # noqa: E402
from personalize_emulator.testing import create_bucket_and_role, wait_for_status  # noqa: E402

UP = "arn:aws:personalize:::recipe/aws-user-personalization"
TARGETS = {"version_s": 3.0, "version_over_training": 1.3, "hpo_over_plain": 3.0, "load_train": 2.5, "load_p50": 3.0}
AIRLINE_SCHEMAS = {
    "INTERACTIONS": [
        {"name": "USER_ID", "type": "string"}, {"name": "ITEM_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"}, {"name": "EVENT_TYPE", "type": "string"},
        {"name": "EVENT_VALUE", "type": "float"}, {"name": "CABIN_TYPE", "type": "string", "categorical": True},
    ],
    "USERS": [{"name": "USER_ID", "type": "string"}, {"name": "NATIONALITY", "type": "string", "categorical": True}],
}  # fmt: skip


def schema(kind: str, fields: list[dict]) -> dict:
    return {"type": "record", "name": kind.title(), "namespace": "com.amazonaws.personalize.schema", "fields": fields}


class Emulator:
    """Dataset groups, versions and campaigns made through boto3 against the in-process emulator."""

    def __init__(self):
        session = boto3.session.Session(region_name="us-east-1")
        self.personalize, self.runtime = session.client("personalize"), session.client("personalize-runtime")
        self.s3 = session.client("s3")
        self.role = create_bucket_and_role(self.s3, session.client("iam"), "bench-data", "bench-role")
        self.count = 0

    def _name(self, stem: str) -> str:
        self.count += 1
        return f"{stem}-{self.count}"

    def _active(self, describe: Callable[[], dict]) -> dict:
        # polled every 20 ms: each describe is a boto3 call, and polling harder takes CPU from the training
        return wait_for_status(describe, poll=0.02)

    def group(self, frames: dict[str, pd.DataFrame], fields: dict[str, list[dict]]) -> str:
        p = self.personalize
        group = p.create_dataset_group(name=self._name("group"))["datasetGroupArn"]
        self._active(lambda: p.describe_dataset_group(datasetGroupArn=group)["datasetGroup"])
        for kind, frame in frames.items():
            name = self._name(kind.lower())
            schema_arn = p.create_schema(name=name, schema=json.dumps(schema(kind, fields[kind])))["schemaArn"]
            dataset = p.create_dataset(name=name, datasetGroupArn=group, datasetType=kind, schemaArn=schema_arn)
            arn = dataset["datasetArn"]
            self._active(lambda arn=arn: p.describe_dataset(datasetArn=arn)["dataset"])
            self.s3.put_object(Bucket="bench-data", Key=f"{name}.csv", Body=frame.to_csv(index=False).encode())
            job = p.create_dataset_import_job(
                jobName=name, datasetArn=arn, dataSource={"dataLocation": f"s3://bench-data/{name}.csv"},
                roleArn=self.role,
            )["datasetImportJobArn"]  # fmt: skip
            self._active(lambda job=job: p.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"])
        return group

    def solution(self, group: str, **config) -> str:
        p = self.personalize
        arn = p.create_solution(name=self._name("solution"), datasetGroupArn=group, recipeArn=UP, **config)
        self._active(lambda: p.describe_solution(solutionArn=arn["solutionArn"])["solution"])
        return arn["solutionArn"]

    def version(self, solution: str) -> tuple[str, float]:
        """A version of `solution`, and the seconds from its creation to ACTIVE."""
        p = self.personalize
        started = time.perf_counter()
        arn = p.create_solution_version(solutionArn=solution)["solutionVersionArn"]
        self._active(lambda: p.describe_solution_version(solutionVersionArn=arn)["solutionVersion"])
        return arn, time.perf_counter() - started

    def campaign(self, version: str) -> str:
        p = self.personalize
        no_exploration = {"itemExplorationConfig": {"explorationWeight": "0"}}
        arn = p.create_campaign(name=self._name("campaign"), solutionVersionArn=version, campaignConfig=no_exploration)
        self._active(lambda: p.describe_campaign(campaignArn=arn["campaignArn"])["campaign"])
        return arn["campaignArn"]

    def p50_ms(self, campaign: str, users: list[str], calls: int) -> float:
        timings = []
        for n in range(calls + 20):
            started = time.perf_counter()
            self.runtime.get_recommendations(campaignArn=campaign, userId=users[n % len(users)], numResults=25)
            timings.append((time.perf_counter() - started) * 1000)
        return float(np.median(timings[20:]))


@contextmanager
def busy(processes: int) -> Iterator[None]:
    """`processes` pure-Python busy loops beside the benchmark, each holding a core."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(processes)]
    try:
        time.sleep(0.5)  # let them get going
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def measure(rows: list, name: str, target: str, value: float, detail: str = "") -> None:
    rows.append((name, f"<= {TARGETS[target]}", f"{value:.2f}{detail}", value <= TARGETS[target]))


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def one_training_s(frame: pd.DataFrame) -> float:
    data = TrainingData(frame, schemas={"INTERACTIONS": parse_schema(json.dumps(INTERACTIONS_SCHEMA))})
    started = time.perf_counter()
    UserPersonalization().train(data, TrainingConfig(seed=settings.seed()))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="3 versions instead of 5, 1 HPO run, fewer calls")
    parser.add_argument("--hogs", type=int, default=os.cpu_count() or 1, help="busy processes for the load rows")
    args = parser.parse_args()
    repeats, calls = (3, 200) if args.quick else (5, 1000)
    personalize_emulator.configure(pace=0)
    rows: list[tuple[str, str, str, bool]] = []
    loads = [f"at start: {load()}"]
    with personalize_emulator.mock_aws():
        emulator = Emulator()
        clicks = synthetic_interactions(users=250, items=120, per_user=20)
        group = emulator.group({"INTERACTIONS": clicks}, {"INTERACTIONS": INTERACTIONS_SCHEMA["fields"]})
        solution = emulator.solution(group)
        one_training_s(clicks)  # PyTorch's first-use costs, paid once, before anything is timed
        versions = [emulator.version(solution) for _ in range(repeats)]
        quiet = statistics.median(seconds for _, seconds in versions)
        training = statistics.median(one_training_s(clicks) for _ in range(repeats))
        campaign = emulator.campaign(versions[-1][0])
        users = sorted(clicks["USER_ID"].unique())
        p50_quiet = emulator.p50_ms(campaign, users, calls)
        loads.append(f"quiet runs done: {load()}")
        measure(rows, f"version of {len(clicks):,} interactions, median of {repeats} (s)", "version_s", quiet)
        measure(rows, "version / one training of the same data", "version_over_training", quiet / training,
                f" (one training {training:.2f} s)")  # fmt: skip

        with busy(args.hogs):
            loaded = statistics.median(emulator.version(solution)[1] for _ in range(repeats))
            p50_loaded = emulator.p50_ms(campaign, users, calls)
            loads.append(f"with {args.hogs} busy processes: {load()}")
        measure(rows, f"version with {args.hogs} busy processes / quiet", "load_train", loaded / quiet,
                f" ({loaded:.2f} s)")  # fmt: skip
        measure(rows, f"get_recommendations p50 with {args.hogs} busy processes / quiet", "load_p50",
                p50_loaded / p50_quiet, f" ({p50_loaded:.2f} ms, quiet {p50_quiet:.2f} ms)")  # fmt: skip

        reviews = to_personalize(make_airline_reviews())
        airline = emulator.group({"INTERACTIONS": reviews["interactions"], "USERS": reviews["users"]}, AIRLINE_SCHEMAS)
        runs = 1 if args.quick else 3
        plain = statistics.median(emulator.version(emulator.solution(airline))[1] for _ in range(runs))
        tuned = statistics.median(emulator.version(emulator.solution(airline, performHPO=True))[1] for _ in range(runs))
        loads.append(f"airline done: {load()}")
        measure(rows, f"performHPO / plain version, airline data ({len(reviews['interactions']):,} interactions)",
                "hpo_over_plain", tuned / plain, f" ({tuned:.1f} s against {plain:.1f} s)")  # fmt: skip

    device = resolve_device(settings.device())
    print(f"User-Personalization with default hyperparameters, pace 0, in-process; device {device}; "
          f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), Python {platform.python_version()}, "
          f"PyTorch {torch.__version__}. Load average (1, 5, 15 min) {'; '.join(loads)}.\n")  # fmt: skip
    print("| measure | goal | measured | met |\n|---|---|---|---|")
    for name, goal, measured, met in rows:
        print(f"| {name} | {goal} | {measured} | {'yes' if met else 'no'} |")


if __name__ == "__main__":
    main()
