"""One call from a frame of interactions to an ACTIVE campaign, for benchmarks and tests (the notebooks spell
each step out instead)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from .resources import create_bucket, create_personalize_role, import_frame
from .target import Target
from .waiting import wait_for_active


def deploy_campaign(
    target: Target, name: str, interactions: pd.DataFrame, schema: dict[str, Any], recipe_arn: str
) -> dict[str, str]:
    """Bucket, role, dataset group, Interactions dataset with `interactions` imported, a solution of `recipe_arn`,
    a trained version and a campaign, each waited for; their ARNs (`group`, `dataset`, `solution`, `version`,
    `campaign`) and the bucket and role names."""
    p = target.client("personalize")
    made = {"bucket": create_bucket(target, f"{name}-data"), "role": f"{name}-role"}
    role_arn = create_personalize_role(target, made["role"])
    made["group"] = p.create_dataset_group(name=name)["datasetGroupArn"]
    wait_for_active(target, made["group"], personalize=p)
    schema_arn = p.create_schema(name=name, schema=json.dumps(schema))["schemaArn"]
    made["dataset"] = p.create_dataset(
        name=name, datasetGroupArn=made["group"], datasetType="INTERACTIONS", schemaArn=schema_arn
    )["datasetArn"]
    wait_for_active(target, made["dataset"], personalize=p)
    import_frame(target, made["dataset"], interactions, made["bucket"], role_arn, name)
    made["solution"] = p.create_solution(name=name, datasetGroupArn=made["group"], recipeArn=recipe_arn)["solutionArn"]
    wait_for_active(target, made["solution"], personalize=p)
    made["version"] = p.create_solution_version(solutionArn=made["solution"])["solutionVersionArn"]
    wait_for_active(target, made["version"], personalize=p)
    made["campaign"] = p.create_campaign(name=name, solutionVersionArn=made["version"])["campaignArn"]
    wait_for_active(target, made["campaign"], personalize=p)
    return made
