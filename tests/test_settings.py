"""The knobs users set: legacy recipes (by `configure`, the environment, or `serve --legacy-recipes`) and AWS's
adjustable quotas."""

import os
import subprocess
import sys

import pytest

from personalize_emulator import __main__, configure, settings


def test_the_environment_offers_the_legacy_recipes():
    code = "from personalize_emulator import settings; print(settings.legacy_recipes())"
    env = os.environ | {"PERSONALIZE_EMULATOR_LEGACY_RECIPES": "1"}
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert shown.stdout.strip() == "True"
    assert settings.legacy_recipes() is False  # this process was started without it


def test_serve_legacy_recipes_offers_them(monkeypatch):
    served = []
    monkeypatch.setattr(__main__, "serve_http", lambda *args: served.append(settings.legacy_recipes()))
    try:
        __main__.main(["serve", "--port", "0", "--legacy-recipes"])
    finally:
        configure(legacy_recipes=False)
    assert served == [True]


def test_an_adjustable_quota_is_set_and_reset():
    configure(quotas={"active_campaigns_per_dataset_group": 7})
    assert settings.quota("active_campaigns_per_dataset_group") == 7
    configure(quotas={"active_campaigns_per_dataset_group": None})
    assert settings.quota("active_campaigns_per_dataset_group") == 5


@pytest.mark.parametrize(
    "quotas, problem",
    [
        ({"campaigns": 7}, "unknown quota 'campaigns'"),
        ({"pending_dataset_import_jobs": 10}, "AWS does not adjust the quota 'pending_dataset_import_jobs'"),
        ({"filters_per_dataset_group": 0}, "must be a positive whole number"),
    ],
)
def test_quotas_that_aws_does_not_adjust_or_does_not_have_are_refused(quotas, problem):
    with pytest.raises(ValueError, match=problem):
        configure(quotas=quotas)
    assert settings.quota("pending_dataset_import_jobs") == 5
