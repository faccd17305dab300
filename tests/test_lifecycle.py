"""Work that waits for a parent still being created: it starts once the parent is ACTIVE, and fails naming the
parent when the parent fails (which no parent the API creates does today, so the lifecycle is tested alone)."""

import threading
from dataclasses import dataclass

from personalize_emulator.resources.lifecycle import (
    CREATE_FAILED,
    CREATE_PENDING,
    Jobs,
    set_status,
    start_create,
)
from tests.conftest import wait_until


@dataclass
class Thing:
    arn: str
    kind: str = "dataset"
    status: str = CREATE_PENDING
    last_updated: float = 0.0
    failure_reason: str | None = None


def test_a_child_fails_naming_its_parent_when_the_parent_fails():
    jobs, lock = Jobs(), threading.RLock()
    parent, child, ran = Thing("arn:parent"), Thing("arn:child", kind="dataset-import-job"), []
    start_create(jobs, lock, child, lambda: ran.append(True), after=[parent])
    assert child.status == CREATE_PENDING
    with lock:
        set_status(parent, CREATE_FAILED, "Input CSV is missing the following columns:[ITEM_ID].")
    jobs.changed()
    failed = wait_until(lambda: {"status": child.status, "failureReason": child.failure_reason}, CREATE_FAILED)
    assert failed["failureReason"] == (
        "Create failed. The dataset arn:parent it needs is CREATE FAILED: "
        "Input CSV is missing the following columns:[ITEM_ID]."
    )
    assert ran == []
    jobs.stop()


def test_a_child_starts_once_its_parent_is_active_and_a_reset_stops_the_wait():
    jobs, lock = Jobs(), threading.RLock()
    parent, child = Thing("arn:parent"), Thing("arn:child")
    start_create(jobs, lock, parent, lambda: None)
    start_create(jobs, lock, child, lambda: None, after=[parent])
    assert wait_until(lambda: {"status": child.status})["status"] == "ACTIVE"
    waiting = Thing("arn:waiting")
    start_create(jobs, lock, waiting, after=[Thing("arn:never")])
    jobs.stop()
    assert jobs.idle() and waiting.status == CREATE_PENDING
