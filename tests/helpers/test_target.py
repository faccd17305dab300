"""Target selection: local by default, a server by URL, real AWS by name; nothing else is accepted."""

from __future__ import annotations

import logging

import pytest

import personalize_emulator
from helpers import select_target, stop_local
from personalize_emulator import settings


@pytest.fixture
def local_target():
    before = settings.seed()
    training = logging.getLogger("personalize_emulator.training")
    handlers, level = list(training.handlers), training.level
    yield select_target(seed=7, setting="")
    stop_local()
    personalize_emulator.configure(seed=before)
    training.handlers[:], training.level = handlers, level


def test_the_default_is_the_local_emulator_in_process(local_target, monkeypatch):
    monkeypatch.delenv("TUTORIAL_TARGET", raising=False)
    assert local_target.kind == "local" and local_target.endpoint_url is None
    assert "nothing leaves this machine" in local_target.describe()
    assert settings.seed() == 7
    assert logging.getLogger("personalize_emulator.training").isEnabledFor(logging.INFO)  # epochs are recorded
    personalize = local_target.client("personalize")
    arn = personalize.create_dataset_group(name="kept")["datasetGroupArn"]
    # Selecting again (a notebook's first cell run twice) keeps the state of the running emulator.
    again = select_target(seed=7, setting="local").client("personalize")
    assert arn in [g["datasetGroupArn"] for g in again.list_dataset_groups()["datasetGroups"]]


def test_a_url_selects_a_running_server_and_seeds_it(server_url, monkeypatch):
    before = settings.seed()
    monkeypatch.setenv("TUTORIAL_TARGET", server_url + "/")
    target = select_target(seed=11)
    assert (target.kind, target.endpoint_url) == ("server", server_url)
    assert server_url in target.describe()
    assert "recipes" in target.client("personalize").list_recipes()
    assert settings.seed() == 11  # the server runs in this process here, so its seed can be read
    personalize_emulator.configure(seed=before)


def test_a_url_where_no_server_answers_says_how_to_start_one():
    with pytest.raises(ConnectionError, match=r"No emulator server answers at http://127.0.0.1:9 .*emulator serve"):
        select_target(setting="http://127.0.0.1:9")


def test_each_wait_is_bounded_by_the_wait_limit_asked_for_or_the_targets_default(local_target):
    assert local_target.wait_limit == 4 * 3600  # a hang, not a busy machine, reaches it
    assert select_target(seed=7, setting="local", wait_limit=120).wait_limit == 120


def test_aws_uses_the_default_chain_and_polls_slowly(monkeypatch):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    target = select_target(setting="aws")
    assert (target.kind, target.region, target.endpoint_url, target.poll) == ("aws", "eu-west-1", None, 60.0)
    assert "bill" in target.describe()


def test_aws_without_a_region_says_what_to_set(monkeypatch, tmp_path):
    for name in ("AWS_DEFAULT_REGION", "AWS_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(ValueError, match="AWS_DEFAULT_REGION"):
        select_target(setting="aws")


def test_anything_else_is_refused():
    with pytest.raises(ValueError, match="expected 'local', 'aws' or the URL"):
        select_target(setting="prod")
