"""Campaigns: a solution version deployed for real-time recommendations, with its exploration settings."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from personalize_emulator.api.control.common import delete_unless_used, listing, require_active, tags_of
from personalize_emulator.api.control.solution_versions import SolutionVersion
from personalize_emulator.errors import InvalidInputException, ResourceInUseException
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.lifecycle import (
    ACTIVE,
    CREATE_FAILED,
    CREATE_PENDING,
    JobFailed,
    set_status,
    start_create,
)

# CampaignConfig: "Provide itemExplorationConfig data only if your solution uses the User-Personalization recipe"
# (not v2, which AWS says adds new items through promotions; HRNN-Coldstart recommends only its cold items).
EXPLORING_RECIPES = {"aws-user-personalization"}
DEFAULT_EXPLORATION = {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"}


@dataclass(eq=False)
class CampaignUpdate:
    """`latestCampaignUpdate`: a deployment in progress; the old one serves until it is ACTIVE."""

    arn: str
    solution_version_arn: str
    min_provisioned_tps: int
    campaign_config: dict[str, Any]
    status: str = CREATE_PENDING
    creation: float = field(default_factory=time.time)
    last_updated: float = 0.0
    failure_reason: str | None = None

    def summary(self) -> dict[str, Any]:
        return {
            "solutionVersionArn": self.solution_version_arn,
            "minProvisionedTPS": self.min_provisioned_tps,
            "campaignConfig": self.campaign_config,
            "status": self.status,
            "failureReason": self.failure_reason,
            "creationDateTime": self.creation,
            "lastUpdatedDateTime": self.last_updated or self.creation,
        }


@dataclass(eq=False)
class Campaign(Resource):
    kind = "campaign"
    arn_member = "campaignArn"

    version: SolutionVersion = field(default=None)  # type: ignore[assignment]
    min_provisioned_tps: int = 1
    campaign_config: dict[str, Any] = field(default_factory=dict)
    latest_update: CampaignUpdate | None = None
    requests: int = 0  # GetRecommendations calls served, for the seed of exploration

    def serves_any(self, version_arns: set[str]) -> bool:
        pending = self.latest_update.solution_version_arn if self.latest_update else None
        return self.version.arn in version_arns or pending in version_arns

    def details(self) -> dict[str, Any]:
        return {
            "solutionVersionArn": self.version.arn,
            "minProvisionedTPS": self.min_provisioned_tps,
            "campaignConfig": self.campaign_config,
            "latestCampaignUpdate": self.latest_update.summary() if self.latest_update else None,
        }


def campaign_config_for(version: SolutionVersion, requested: dict[str, Any] | None) -> dict[str, Any]:
    """The config a campaign keeps: exploration defaults filled in for the recipes that explore."""
    config = dict(requested or {})
    exploration = config.get("itemExplorationConfig")
    if version.solution.recipe_name in EXPLORING_RECIPES:
        config["itemExplorationConfig"] = DEFAULT_EXPLORATION | (exploration or {})
        _check_exploration(config["itemExplorationConfig"])
    elif exploration:
        raise InvalidInputException(
            "itemExplorationConfig applies only to the User-Personalization recipe, "
            f"not {version.solution.recipe_name}."
        )
    return config


def _check_exploration(config: dict[str, str]) -> None:
    unknown = set(config) - set(DEFAULT_EXPLORATION)
    if unknown:
        raise InvalidInputException(f"Unknown itemExplorationConfig keys: {', '.join(sorted(unknown))}.")
    try:
        weight = float(config["explorationWeight"])
        cutoff = float(config["explorationItemAgeCutOff"])
    except ValueError:
        raise InvalidInputException(
            "explorationWeight and explorationItemAgeCutOff must be numbers given as strings."
        ) from None
    if not 0 <= weight <= 1:
        raise InvalidInputException(f"explorationWeight must be between 0 and 1; got {config['explorationWeight']}.")
    if cutoff < 1:
        raise InvalidInputException(
            f"explorationItemAgeCutOff must be at least 1 day; got {config['explorationItemAgeCutOff']}."
        )


def _deployable(backend, solution_version_arn: str) -> SolutionVersion:
    version = backend.get(solution_version_arn, SolutionVersion)
    require_active(version, "The solution version")
    return version


@operation("CreateCampaign")
def create_campaign(backend, name, solution_version_arn, min_provisioned_tps=None, campaign_config=None, tags=None):
    version = _deployable(backend, solution_version_arn)
    campaign = backend.add(
        Campaign(
            arn=backend.arn(f"campaign/{name}"),
            name=name,
            version=version,
            min_provisioned_tps=min_provisioned_tps or 1,
            campaign_config=campaign_config_for(version, campaign_config),
            tags=tags_of(tags),
        )
    )
    start_create(backend.jobs, backend.lock, campaign)
    return {"campaignArn": campaign.arn}


@operation("DescribeCampaign")
def describe_campaign(backend, campaign_arn):
    return {"campaign": backend.get(campaign_arn, Campaign).describe()}


@operation("ListCampaigns")
def list_campaigns(backend, solution_arn=None, next_token=None, max_results=None):
    found = backend.all(Campaign, lambda c: solution_arn in (None, c.version.solution.arn))
    return listing(found, "campaigns", "CampaignSummary", next_token, max_results)


@operation("UpdateCampaign")
def update_campaign(backend, campaign_arn, solution_version_arn=None, min_provisioned_tps=None, campaign_config=None):
    campaign = backend.get(campaign_arn, Campaign)
    with backend.lock:
        if campaign.status not in (ACTIVE, CREATE_FAILED):
            raise ResourceInUseException(
                f"The campaign {campaign.arn} is {campaign.status}; "
                "it can be updated only when ACTIVE or CREATE FAILED."
            )
        if campaign.latest_update and campaign.latest_update.status not in (ACTIVE, CREATE_FAILED):
            raise ResourceInUseException(f"The campaign {campaign.arn} has an update in progress.")
    version = _deployable(backend, solution_version_arn) if solution_version_arn else campaign.version
    config = campaign_config_for(version, campaign_config if campaign_config is not None else campaign.campaign_config)
    tps = min_provisioned_tps or campaign.min_provisioned_tps
    update = CampaignUpdate(campaign.arn, version.arn, tps, config)
    campaign.latest_update = update

    def work():
        if version.status != ACTIVE:
            raise JobFailed(f"The solution version {version.arn} is no longer ACTIVE.")

        def commit():
            campaign.version, campaign.min_provisioned_tps, campaign.campaign_config = version, tps, config
            campaign.last_updated = time.time()
            if campaign.status == CREATE_FAILED:
                set_status(campaign, ACTIVE)
                campaign.failure_reason = None

        return commit

    start_create(backend.jobs, backend.lock, update, work)
    return {"campaignArn": campaign.arn}


@operation("DeleteCampaign")
def delete_campaign(backend, campaign_arn):
    delete_unless_used(backend, backend.get(campaign_arn, Campaign), [])
