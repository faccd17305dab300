"""Campaigns: a solution version deployed for real-time recommendations, with its exploration settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from personalize_emulator.errors import InvalidInputException
from personalize_emulator.resources.arns import solution_of
from personalize_emulator.resources.base import PendingUpdate, Resource
from personalize_emulator.resources.solutions import SolutionVersion

# CampaignConfig: "Provide itemExplorationConfig data only if your solution uses the User-Personalization recipe"
# (not v2, which AWS says adds new items through promotions; HRNN-Coldstart recommends only its cold items).
EXPLORING_RECIPES = {"aws-user-personalization"}


DEFAULT_EXPLORATION = {"explorationWeight": "0.3", "explorationItemAgeCutOff": "30"}


@dataclass(eq=False)
class CampaignUpdate(PendingUpdate):
    """`latestCampaignUpdate`: a deployment in progress; the old one serves until it is ACTIVE."""

    solution_version_arn: str
    min_provisioned_tps: int
    campaign_config: dict[str, Any]

    def settings(self) -> dict[str, Any]:
        return {
            "solutionVersionArn": self.solution_version_arn,
            "minProvisionedTPS": self.min_provisioned_tps,
            "campaignConfig": self.campaign_config,
        }


@dataclass(eq=False)
class Campaign(Resource):
    kind = "campaign"
    arn_member = "campaignArn"
    config_member = "campaignConfig"

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

    @property
    def served(self) -> SolutionVersion:
        """What answers its requests."""
        return self.version

    @property
    def exploration(self) -> dict[str, str] | None:
        return self.campaign_config.get("itemExplorationConfig")

    @property
    def returns_metadata(self) -> bool:
        return bool(self.campaign_config.get("enableMetadataWithRecommendations"))

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
        check_exploration(config["itemExplorationConfig"])
    elif exploration:
        raise InvalidInputException(
            "itemExplorationConfig applies only to the User-Personalization recipe, "
            f"not {version.solution.recipe_name}."
        )
    return config


def check_exploration(config: dict[str, str]) -> None:
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
