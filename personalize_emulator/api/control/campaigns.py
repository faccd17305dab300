"""Campaigns: a solution version deployed for real-time recommendations, with its exploration settings."""

from __future__ import annotations

import time

from personalize_emulator.api.control.common import listing, tags_of
from personalize_emulator.api.control.solution_versions import SolutionVersion
from personalize_emulator.errors import JobFailed, ResourceInUseException
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources import quotas
from personalize_emulator.resources.base import require_active
from personalize_emulator.resources.campaigns import Campaign, CampaignUpdate, campaign_config_for
from personalize_emulator.resources.lifecycle import (
    ACTIVE,
    CREATE_FAILED,
    set_status,
    start_create,
)


def _deployable(backend, solution_version_arn: str) -> SolutionVersion:
    version = backend.get(solution_version_arn, SolutionVersion)
    # AWS refuses until training ends ("Wait until the status shows as ACTIVE before calling CreateCampaign").
    require_active(version, "The solution version", "Wait until its status is ACTIVE before deploying it.")
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
        ),
        admit=quotas.active(
            backend,
            "active_campaigns_per_dataset_group",
            Campaign,
            "campaign",
            lambda c: c.version.solution.dataset_group_arn == version.solution.dataset_group_arn,
        ),
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
    update = CampaignUpdate(
        arn=campaign.arn, solution_version_arn=version.arn, min_provisioned_tps=tps, campaign_config=config
    )
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
    backend.delete(backend.get(campaign_arn, Campaign))
