"""Statuses and the background work that moves them, so a polling loop sees real transitions.

Every status change goes through `set_status`; every create and delete runs through `start_create` and
`start_delete`, on a thread owned by the backend so that a reset stops it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from personalize_emulator import settings
from personalize_emulator.errors import JobFailed
from personalize_emulator.recipes.base import RecipeError

log = logging.getLogger("personalize_emulator")

CREATE_PENDING = "CREATE PENDING"
CREATE_IN_PROGRESS = "CREATE IN_PROGRESS"
ACTIVE = "ACTIVE"
CREATE_FAILED = "CREATE FAILED"
CREATE_STOPPING = "CREATE STOPPING"
CREATE_STOPPED = "CREATE STOPPED"
DELETE_PENDING = "DELETE PENDING"
DELETE_IN_PROGRESS = "DELETE IN_PROGRESS"
STOP_PENDING = "STOP PENDING"
STOP_IN_PROGRESS = "STOP IN_PROGRESS"
INACTIVE = "INACTIVE"
START_PENDING = "START PENDING"
START_IN_PROGRESS = "START IN_PROGRESS"
DELETING = {DELETE_PENDING, DELETE_IN_PROGRESS}
CREATING = {CREATE_PENDING, CREATE_IN_PROGRESS}
WORKING = CREATING | {CREATE_STOPPING}
SWITCHING = {STOP_PENDING: INACTIVE, STOP_IN_PROGRESS: INACTIVE, START_PENDING: ACTIVE, START_IN_PROGRESS: ACTIVE}
"""A recommender being stopped or started, and where that ends (its lifecycle in DescribeRecommender)."""
IN_FLIGHT = WORKING | DELETING | set(SWITCHING)


@dataclass(frozen=True)
class Statuses:
    """The names a creation goes through: most resources are created, jobs of some kinds run (data deletion jobs go
    `PENDING > IN_PROGRESS > COMPLETED -or- FAILED`, says the API reference)."""

    pending: str
    in_progress: str
    done: str
    failed: str

    @property
    def running(self) -> set[str]:
        return {self.pending, self.in_progress}


CREATION = Statuses(CREATE_PENDING, CREATE_IN_PROGRESS, ACTIVE, CREATE_FAILED)
JOB_RUN = Statuses("PENDING", "IN_PROGRESS", "COMPLETED", "FAILED")


class Stateful(Protocol):
    """What a lifecycle moves: a resource, or a part of one with a status of its own (a campaign's update)."""

    arn: str
    status: str
    last_updated: float
    failure_reason: str | None


class Parent(Stateful, Protocol):
    """A resource that new work waits for while it is being created (a dataset, a solution, a filter)."""

    @property
    def kind(self) -> str: ...


class JobStopped(Exception):
    """Raised when the backend was reset or the job was asked to stop."""


def set_status(resource: Stateful, status: str, reason: str | None = None) -> None:
    resource.status = status
    resource.last_updated = time.time()
    if reason is not None:
        resource.failure_reason = reason


class Jobs:
    """The background threads of one backend (one account and region)."""

    def __init__(self, on_change: Callable[[], None] | None = None) -> None:
        self._stopped = threading.Event()
        self._threads: list[threading.Thread] = []
        self._on_change = on_change
        # Status changes made and saved, counted so that a reader can wait until what it saw is durable.
        self._counts = threading.Condition()
        self._made = self._saved = 0
        self._moved = threading.Condition()  # notified when a status moves, for work that waits on another

    def changed(self) -> None:
        """A status moved: let the backend save its state (a no-op without a store), and wake waiting work."""
        if self._on_change is not None:
            self._on_change()
        with self._moved:
            self._moved.notify_all()

    def wait_until_created(self, parents: Sequence[Parent]) -> None:
        """Return once no resource in `parents` is being created; `JobStopped` if the backend is reset meanwhile.
        (A status set outside a lifecycle does not notify: the wait looks again every tenth of a second.)"""
        with self._moved:
            while any(parent.status in CREATING for parent in parents):
                if self._stopped.is_set():
                    raise JobStopped()
                self._moved.wait(0.1)

    @contextmanager
    def changing(self, lock: threading.RLock) -> Iterator[None]:
        """Hold `lock` for a status change, counted before anyone can see it."""
        with lock:
            with self._counts:
                self._made += 1
            yield

    def made(self) -> int:
        return self._made

    def mark_saved(self, made: int) -> None:
        """The changes counted up to `made` are saved."""
        with self._counts:
            self._saved = max(self._saved, made)
            self._counts.notify_all()

    def wait_saved(self, timeout: float = 10.0) -> None:
        """Return once every change made so far is saved (or after `timeout`, if saving fails)."""
        with self._counts:
            made = self._made
            self._counts.wait_for(lambda: self._saved >= made, timeout)

    def submit(self, name: str, fn: Callable[[], None]) -> None:
        thread = threading.Thread(target=fn, name=f"personalize-{name}", daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def pause(self, seconds: float | None = None) -> None:
        """Hold the current status for one pace step; raise `JobStopped` if the backend is reset meanwhile."""
        if self._stopped.wait(settings.pace() if seconds is None else seconds):
            raise JobStopped()

    def check(self) -> None:
        if self._stopped.is_set():
            raise JobStopped()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopped.set()
        with self._moved:
            self._moved.notify_all()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(timeout)

    def idle(self) -> bool:
        return not any(t.is_alive() for t in self._threads)


def start_create(
    jobs: Jobs,
    lock: threading.RLock,
    resource: Stateful,
    work: Callable[[], Callable[[], None] | None] | None = None,
    statuses: Statuses = CREATION,
    after: Sequence[Parent] = (),
) -> None:
    """Move `resource` from `CREATE PENDING` through `CREATE IN_PROGRESS` to `ACTIVE` or `CREATE FAILED` (or through
    the other `statuses` given).

    `work` runs outside the lock (it may take long) and may return a `commit` callable, run under the lock
    just before the resource turns `ACTIVE`, so results appear atomically with the status. `after` names what
    `resource` needs that may still be being created (AWS takes an import job on a dataset still being created):
    it stays `CREATE PENDING` until they are, and ends `CREATE FAILED` naming the first that did not turn ACTIVE
    (those not being created when it starts are not waited for).
    """
    after = [parent for parent in after if parent.status in CREATING]

    def run() -> None:
        try:
            jobs.wait_until_created(after)
            jobs.pause()
            with jobs.changing(lock):
                if resource.status == CREATE_STOPPING:
                    set_status(resource, CREATE_STOPPED)
                if resource.status != statuses.pending:
                    return
                missing = next((parent for parent in after if parent.status != ACTIVE), None)
                if missing is not None:
                    raise JobFailed(parent_failure(missing))
                set_status(resource, statuses.in_progress)
            jobs.changed()
            commit = work() if work else None
            jobs.pause()
            with jobs.changing(lock):
                if resource.status == CREATE_STOPPING:
                    set_status(resource, CREATE_STOPPED)
                    return
                if commit:
                    commit()
                set_status(resource, statuses.done)
        except JobStopped:
            with jobs.changing(lock):
                if resource.status == CREATE_STOPPING:
                    set_status(resource, CREATE_STOPPED)
        except (JobFailed, RecipeError) as failure:  # a recipe's failures are its own, mapped here
            with jobs.changing(lock):  # a run asked to stop ends stopped, even if its work failed meanwhile
                if resource.status == CREATE_STOPPING:
                    set_status(resource, CREATE_STOPPED)
                else:
                    set_status(resource, statuses.failed, str(failure))
        except Exception as exc:  # a bug of ours must not leave the resource in progress forever
            log.exception("job for %s failed", resource.arn)
            with jobs.changing(lock):
                set_status(resource, statuses.failed, f"Internal error in personalize_emulator: {exc!r}")
        jobs.changed()

    jobs.submit(resource.arn.rsplit(":", 1)[-1], run)


def parent_failure(parent: Parent) -> str:
    """The failure reason of work whose parent did not turn ACTIVE: which one, its status and why."""
    why = f": {parent.failure_reason}" if parent.failure_reason else "."
    return f"Create failed. The {parent.kind.replace('-', ' ')} {parent.arn} it needs is {parent.status}{why}"


def start_delete(jobs: Jobs, lock: threading.RLock, resource: Stateful, remove: Callable[[], None]) -> None:
    """Move `resource` through `DELETE PENDING` and `DELETE IN_PROGRESS`, then call `remove` under the lock."""
    start_steps(jobs, lock, resource, (DELETE_PENDING, DELETE_IN_PROGRESS), then=remove)


def start_steps(
    jobs: Jobs,
    lock: threading.RLock,
    resource: Stateful,
    statuses: tuple[str, ...],
    then: Callable[[], None] | None = None,
) -> None:
    """Set the first of `statuses` now and each of the others one pace later (a recommender's `STOP PENDING` >
    `STOP IN_PROGRESS` > `INACTIVE`), then, one pace after the last, call `then` under the lock."""
    set_status(resource, statuses[0])

    def run() -> None:
        try:
            for status in statuses[1:]:
                jobs.pause()
                with jobs.changing(lock):
                    set_status(resource, status)
                jobs.changed()
            if then is not None:
                jobs.pause()
                with jobs.changing(lock):
                    then()
        except JobStopped:
            pass
        jobs.changed()

    jobs.submit(resource.arn.rsplit(":", 1)[-1], run)
