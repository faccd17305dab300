"""Campaigns: a solution version deployed for real-time recommendations, with its exploration settings."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from personalize_emulator.errors import InvalidInputException
from personalize_emulator.resources.arns import solution_of
from personalize_emulator.resources.base import Resource
from personalize_emulator.resources.lifecycle import CREATE_PENDING
from personalize_emulator.resources.solutions import SolutionVersion

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

    def details(self) -> dict[str, Any]:
        return {
            "solutionVersionArn": self.version.arn,
            "minProvisionedTPS": self.min_provisioned_tps,
            "campaignConfig": self.campaign_config,
            "latestCampaignUpdate": self.latest_update.summary() if self.latest_update else None,
        }

    def depends_on(self) -> tuple[str, ...]:
        """The versions it serves or is moving to, and their solutions."""
        versions = {self.version.arn} | ({self.latest_update.solution_version_arn} if self.latest_update else set())
        return (*versions, *(solution_of(v) for v in versions))


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
