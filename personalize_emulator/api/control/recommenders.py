"""Recommenders: the use cases of Domain dataset groups, created, trained, stopped, started, updated and deleted.

Where AWS is silent: a recommender is refused at creation (InvalidInputException) on a Custom dataset group, for a
custom recipe, or for a use case of the other domain; data that does not meet the use case's requirements ends it
CREATE FAILED with a reason, as a solution version's training does; an update is taken only while it is ACTIVE
and no other update runs; the five recommenders a dataset group may hold count every one not being deleted.
"""

from __future__ import annotations

import time

from personalize_emulator import settings
from personalize_emulator.api.control.common import listing, tags_of
from personalize_emulator.api.control.dataset_groups import DatasetGroup
from personalize_emulator.api.control.recipes import recipe_entry
from personalize_emulator.errors import InvalidInputException, LimitExceededException, ResourceInUseException
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.base import require_active
from personalize_emulator.resources.lifecycle import (
    ACTIVE,
    CREATE_FAILED,
    DELETING,
    INACTIVE,
    START_IN_PROGRESS,
    START_PENDING,
    STOP_IN_PROGRESS,
    STOP_PENDING,
    start_create,
    start_steps,
)
from personalize_emulator.resources.recommenders import (
    Recommender,
    RecommenderUpdate,
    recommender_config_for,
    training_columns,
)
from personalize_emulator.resources.use_cases import USE_CASES
from personalize_emulator.training import recommenders

MAX_PER_DATASET_GROUP = 5  # "Total number of recommenders" per dataset group (the guide's quotas page)


def _train(backend, recommender: Recommender, config: dict):
    """The work of a training run: the model and metrics, set by the commit it returns."""
    trained = recommenders.train(backend, recommender.dataset_group_arn, recommender.use_case, config, settings.seed())
    backend.jobs.check()

    def commit():
        recommender.model, recommender.metrics = trained.model, trained.metrics

    return commit


@operation("CreateRecommender")
def create_recommender(backend, name, dataset_group_arn, recipe_arn, recommender_config=None, tags=None):
    group = backend.get(dataset_group_arn, DatasetGroup)
    entry = recipe_entry(recipe_arn)
    if group.domain is None:
        raise InvalidInputException(
            f"The dataset group {group.arn} is a Custom dataset group: use a Domain dataset group to create a "
            "recommender (custom recipes are trained as solutions and deployed with campaigns)."
        )
    use_case = USE_CASES.get(entry.name)
    if use_case is None:
        raise InvalidInputException(
            f"{entry.name} is a custom recipe: only Domain dataset group use cases can be used to create a recommender."
        )
    if use_case.domain != group.domain:
        raise InvalidInputException(
            f"{entry.name} is a use case of the {use_case.domain} domain; the dataset group {group.arn} is of the "
            f"{group.domain} domain."
        )
    require_active(group, "The dataset group")
    config = recommender_config_for(use_case, recommender_config)
    with backend.lock:
        held = backend.all(Recommender, lambda r: r.dataset_group_arn == group.arn and r.status not in DELETING)
        if len(held) >= MAX_PER_DATASET_GROUP:
            raise LimitExceededException(
                f"The dataset group {group.arn} already has {len(held)} recommenders, the most it can have."
            )
        recommender = backend.add(
            Recommender(
                arn=backend.arn(f"recommender/{name}"),
                name=name,
                dataset_group_arn=group.arn,
                recipe_arn=entry.arn,
                recommender_config=config,
                tags=tags_of(tags),
            )
        )
    start_create(backend.jobs, backend.lock, recommender, lambda: _train(backend, recommender, config))
    return {"recommenderArn": recommender.arn}


@operation("DescribeRecommender")
def describe_recommender(backend, recommender_arn):
    return {"recommender": backend.get(recommender_arn, Recommender).describe()}


@operation("ListRecommenders")
def list_recommenders(backend, dataset_group_arn=None, next_token=None, max_results=None):
    found = backend.all(Recommender, lambda r: dataset_group_arn in (None, r.dataset_group_arn))
    return listing(found, "recommenders", "RecommenderSummary", next_token, max_results)


@operation("UpdateRecommender")
def update_recommender(backend, recommender_arn, recommender_config):
    """The recommender serves with its old configuration until the update is ACTIVE; a change to the columns it
    trains on retrains it fully first ("Amazon Personalize automatically starts a full retraining")."""
    recommender = backend.get(recommender_arn, Recommender)
    config = recommender_config_for(recommender.use_case, recommender_config)
    with backend.lock:
        if recommender.status != ACTIVE:
            raise ResourceInUseException(
                f"The recommender {recommender.arn} is {recommender.status}; it can be updated only when ACTIVE."
            )
        if recommender.latest_update and recommender.latest_update.status not in (ACTIVE, CREATE_FAILED):
            raise ResourceInUseException(f"The recommender {recommender.arn} has an update in progress.")
        update = recommender.latest_update = RecommenderUpdate(arn=recommender.arn, recommender_config=config)
    retrains = training_columns(config) != training_columns(recommender.recommender_config)

    def work():
        model_commit = _train(backend, recommender, config) if retrains else None

        def commit():
            if model_commit is not None:
                model_commit()
            recommender.recommender_config = config
            recommender.last_updated = time.time()

        return commit

    start_create(backend.jobs, backend.lock, update, work)
    return {"recommenderArn": recommender.arn}


@operation("StopRecommender")
def stop_recommender(backend, recommender_arn):
    return _switch(backend, recommender_arn, ACTIVE, (STOP_PENDING, STOP_IN_PROGRESS, INACTIVE), "stopped")


@operation("StartRecommender")
def start_recommender(backend, recommender_arn):
    return _switch(backend, recommender_arn, INACTIVE, (START_PENDING, START_IN_PROGRESS, ACTIVE), "started")


def _switch(backend, recommender_arn: str, needed: str, statuses: tuple[str, ...], done: str) -> dict:
    """Stopping and starting: from `needed` through `statuses`, with nothing trained (the model stays)."""
    recommender = backend.get(recommender_arn, Recommender)
    with backend.lock:
        if recommender.status != needed:
            raise ResourceInUseException(
                f"The recommender {recommender.arn} is {recommender.status}; only an {needed} recommender can be "
                f"{done}."
            )
        start_steps(backend.jobs, backend.lock, recommender, statuses)
    return {"recommenderArn": recommender.arn}


@operation("DeleteRecommender")
def delete_recommender(backend, recommender_arn):
    backend.delete(backend.get(recommender_arn, Recommender))
