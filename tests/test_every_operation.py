"""No operation left unserved: every operation of `personalize`, `personalize-runtime` and `personalize-events` in
the installed botocore models is called through both adapters with a valid request, and none answers 501.

One scenario builds what the requests need, in the order a program would, each step calling one operation; the
step that *covers* an operation is its only call that counts for it (other calls of the same operation are setup,
made for the operation they serve). Every operation has exactly one covering step.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from personalize_emulator import configure
from personalize_emulator.protocol.service_models import CONTROL_PLANE, EVENTS, RUNTIME, SERVICES, service_model
from personalize_emulator.recipes.user_personalization import bptt
from tests.builders import BUCKET, avro, bucket_and_role, planted_interactions, upload
from tests.conftest import ACCOUNT, REGION, wait_gone, wait_until

RECIPE = "arn:aws:personalize:::recipe/"
FIELDS = {
    "INTERACTIONS": [
        {"name": "USER_ID", "type": "string"},
        {"name": "ITEM_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
        {"name": "EVENT_TYPE", "type": "string"},
        {"name": "EVENT_VALUE", "type": ["null", "float"]},
    ],
    "ITEMS": [{"name": "ITEM_ID", "type": "string"}, {"name": "PRICE", "type": ["null", "float"]}],
    "USERS": [{"name": "USER_ID", "type": "string"}, {"name": "AGE", "type": ["null", "int"]}],
    "ACTIONS": [
        {"name": "ACTION_ID", "type": "string"},
        {"name": "VALUE", "type": ["null", "long"]},
        {"name": "CATEGORY", "type": ["null", "string"], "categorical": True},
    ],
    "ACTION_INTERACTIONS": [
        {"name": "USER_ID", "type": "string"},
        {"name": "ACTION_ID", "type": "string"},
        {"name": "TIMESTAMP", "type": "long"},
        {"name": "EVENT_TYPE", "type": "string"},
    ],
}
SMALL = {"algorithmHyperParameters": {"hidden_dimension": "32"}}
USERS_V2 = [*FIELDS["USERS"], {"name": "CITY", "type": ["null", "string"], "categorical": True}]


def operations() -> dict[str, str]:
    """Every operation of the three service models, with its service."""
    return {name: service for service in SERVICES for name in service_model(service).operation_names}


@dataclass(frozen=True)
class Step:
    operation: str
    request: Callable[[dict[str, Any]], dict[str, Any]]
    keep: Callable[[SimpleNamespace, dict[str, Any], dict[str, Any]], None] | None = None
    """What to keep of the answer (aws, world, answer), and what to wait for before the next step."""
    serves: str | None = None
    """For a setup call: the operation it is made for (the step covers nothing itself)."""
    before: Callable[[], None] | None = None


class World(dict):
    """What the steps kept. A key a failed step never filled reads as an ARN that names nothing, so the steps
    after it fail with errors of their own instead of a KeyError."""

    def __missing__(self, key: str) -> str:
        return f"arn:aws:personalize:{REGION}:{ACCOUNT}:missing/{key}"


def call(aws: SimpleNamespace, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    client = {CONTROL_PLANE: aws.personalize, RUNTIME: aws.runtime, EVENTS: aws.events}[operations()[operation]]
    return getattr(client, xform_name(operation))(**request)


def resource_of(answer: dict[str, Any]) -> dict[str, Any]:
    """The one member of a Describe* answer (besides botocore's ResponseMetadata)."""
    [resource] = [value for key, value in answer.items() if key != "ResponseMetadata"]
    return resource


def active(describe: str, arn_member: str, key: str, status: str = "ACTIVE"):
    """Keep the answer's `arn_member` as `key`, and wait until `describe` shows it `status`."""

    def keep(aws, world, answer):
        world[key] = answer[arn_member]
        wait_until(lambda: resource_of(call(aws, describe, {arn_member: world[key]})), status, timeout=120)

    return keep


def gone(describe: str, arn_member: str, key: str):
    """Wait until `describe` no longer finds what `key` names."""

    def keep(aws, world, answer):
        def exists() -> bool:
            try:
                call(aws, describe, {arn_member: world[key]})
            except ClientError as error:
                return error.response["Error"]["Code"] != "ResourceNotFoundException"
            return True

        wait_gone(exists)

    return keep


def kept(key: str, pick: Callable[[dict[str, Any]], Any]):
    def keep(aws, world, answer):
        world[key] = pick(answer)

    return keep


def schema(name: str, kind: str, fields: list[dict], serves: str | None = "CreateDataset", **domain: str) -> Step:
    request = {"name": name, "schema": avro(kind.title().replace("_", ""), fields)} | domain
    return Step("CreateSchema", lambda w: request, kept(f"schema-{name}", lambda a: a["schemaArn"]), serves=serves)


def dataset(key: str, group: str, kind: str, schema_key: str, serves: str | None) -> Step:
    return Step(
        "CreateDataset",
        lambda w: {"name": key, "datasetGroupArn": w[group], "datasetType": kind, "schemaArn": w[schema_key]},
        active("DescribeDataset", "datasetArn", key),
        serves=serves,
    )


def import_job(name: str, dataset_key: str, file: str, serves: str | None) -> Step:
    return Step(
        "CreateDatasetImportJob",
        lambda w: {
            "jobName": name,
            "datasetArn": w[dataset_key],
            "dataSource": {"dataLocation": f"s3://{BUCKET}/{file}"},
            "roleArn": w["role"],
        },
        active("DescribeDatasetImportJob", "datasetImportJobArn", f"import-{name}"),
        serves=serves,
    )


def solution(name: str, recipe: str, serves: str | None, config: dict | None = None) -> list[Step]:
    """A solution of `recipe` and a trained version of it."""
    extra = {"solutionConfig": config} if config else {}
    return [
        Step(
            "CreateSolution",
            lambda w: {"name": name, "datasetGroupArn": w["group"], "recipeArn": RECIPE + recipe} | extra,
            active("DescribeSolution", "solutionArn", f"solution-{name}"),
            serves=serves,
        ),
        Step(
            "CreateSolutionVersion",
            lambda w: {"solutionArn": w[f"solution-{name}"]},
            active("DescribeSolutionVersion", "solutionVersionArn", f"version-{name}"),
            serves=serves,
        ),
    ]


def campaign(name: str, serves: str | None) -> Step:
    return Step(
        "CreateCampaign",
        lambda w: {"name": name, "solutionVersionArn": w[f"version-{name}"]},
        active("DescribeCampaign", "campaignArn", f"campaign-{name}"),
        serves=serves,
    )


def batch_job(kind: str, name: str, version: str, input_file: str) -> list[Step]:
    """Create, describe and list a batch job of `kind` (`BatchInferenceJob`, `BatchSegmentJob`)."""
    arn_member = kind[0].lower() + kind[1:] + "Arn"
    return [
        Step(
            f"Create{kind}",
            lambda w: {
                "jobName": name,
                "solutionVersionArn": w[f"version-{version}"],
                "roleArn": w["role"],
                "jobInput": {"s3DataSource": {"path": f"s3://{BUCKET}/{input_file}"}},
                "jobOutput": {"s3DataDestination": {"path": f"s3://{BUCKET}/{name}-out/"}},
            },
            active(f"Describe{kind}", arn_member, name),
        ),
        Step(f"Describe{kind}", lambda w: {arn_member: w[name]}),
        Step(f"List{kind}s", lambda w: {"solutionVersionArn": w[f"version-{version}"]}),
    ]


def recommender_is(status: str):
    """Wait until the recommender shows `status` (an update, a stop or a start has run)."""

    def keep(aws, world, answer):
        arn = world["recommender"]
        wait_until(
            lambda: call(aws, "DescribeRecommender", {"recommenderArn": arn})["recommender"], status, timeout=120
        )

    return keep


def slow() -> None:
    configure(pace=5)  # the version stays CREATE PENDING until StopSolutionVersionCreation stops it


def fast(aws, world, answer) -> None:
    configure(pace=0)


STEPS: list[Step] = [
    # -- recipes, algorithms, feature transformations ------------------------------------------------------
    Step("ListRecipes", lambda w: {}),
    Step(
        "DescribeRecipe",
        lambda w: {"recipeArn": RECIPE + "aws-popularity-count"},
        lambda aws, w, a: w.update(algorithm=a["recipe"]["algorithmArn"], ft=a["recipe"]["featureTransformationArn"]),
    ),
    Step("DescribeAlgorithm", lambda w: {"algorithmArn": w["algorithm"]}),
    Step("DescribeFeatureTransformation", lambda w: {"featureTransformationArn": w["ft"]}),
    # -- dataset groups, schemas, datasets -----------------------------------------------------------------
    Step(
        "CreateDatasetGroup", lambda w: {"name": "every-op"}, active("DescribeDatasetGroup", "datasetGroupArn", "group")
    ),
    Step("DescribeDatasetGroup", lambda w: {"datasetGroupArn": w["group"]}),
    Step("ListDatasetGroups", lambda w: {}),
    Step(
        "CreateDatasetGroup",
        lambda w: {"name": "spare"},
        active("DescribeDatasetGroup", "datasetGroupArn", "spare"),
        serves="DeleteDatasetGroup",
    ),
    schema("interactions", "INTERACTIONS", FIELDS["INTERACTIONS"], serves=None),
    schema("items", "ITEMS", FIELDS["ITEMS"]),
    schema("users", "USERS", FIELDS["USERS"]),
    schema("users-v2", "USERS", USERS_V2),
    schema("actions", "ACTIONS", FIELDS["ACTIONS"]),
    schema("action-interactions", "ACTION_INTERACTIONS", FIELDS["ACTION_INTERACTIONS"]),
    schema("spare", "USERS", FIELDS["USERS"]),
    Step("DescribeSchema", lambda w: {"schemaArn": w["schema-interactions"]}),
    Step("ListSchemas", lambda w: {}),
    dataset("interactions", "group", "Interactions", "schema-interactions", None),
    dataset("items", "group", "Items", "schema-items", "PutItems"),
    dataset("users", "group", "Users", "schema-users", "PutUsers"),
    dataset("actions", "group", "Actions", "schema-actions", "PutActions"),
    dataset(
        "action-interactions", "group", "Action_Interactions", "schema-action-interactions", "PutActionInteractions"
    ),
    dataset("spare-users", "spare", "Users", "schema-spare", "DeleteDataset"),
    Step("DescribeDataset", lambda w: {"datasetArn": w["interactions"]}),
    Step("ListDatasets", lambda w: {"datasetGroupArn": w["group"]}),
    Step("UpdateDataset", lambda w: {"datasetArn": w["users"], "schemaArn": w["schema-users-v2"]}),
    # -- bulk data in and out ------------------------------------------------------------------------------
    import_job("interactions", "interactions", "interactions.csv", None),
    import_job("actions", "actions", "actions.csv", "GetActionRecommendations"),
    import_job("action-interactions", "action-interactions", "action-interactions.csv", "GetActionRecommendations"),
    Step("DescribeDatasetImportJob", lambda w: {"datasetImportJobArn": w["import-interactions"]}),
    Step("ListDatasetImportJobs", lambda w: {"datasetArn": w["interactions"]}),
    Step(
        "CreateDatasetExportJob",
        lambda w: {
            "jobName": "export",
            "datasetArn": w["interactions"],
            "roleArn": w["role"],
            "jobOutput": {"s3DataDestination": {"path": f"s3://{BUCKET}/exports/"}},
        },
        active("DescribeDatasetExportJob", "datasetExportJobArn", "export"),
    ),
    Step("DescribeDatasetExportJob", lambda w: {"datasetExportJobArn": w["export"]}),
    Step("ListDatasetExportJobs", lambda w: {"datasetArn": w["interactions"]}),
    # -- metric attribution, event tracker, events ---------------------------------------------------------
    Step(
        "CreateMetricAttribution",
        lambda w: {
            "name": "impact",
            "datasetGroupArn": w["group"],
            "metrics": [{"eventType": "click", "metricName": "clicks", "expression": "SAMPLECOUNT()"}],
            "metricsOutputConfig": {"roleArn": w["role"], "s3DataDestination": {"path": f"s3://{BUCKET}/metrics/"}},
        },
        active("DescribeMetricAttribution", "metricAttributionArn", "attribution"),
    ),
    Step("DescribeMetricAttribution", lambda w: {"metricAttributionArn": w["attribution"]}),
    Step("ListMetricAttributions", lambda w: {"datasetGroupArn": w["group"]}),
    Step("ListMetricAttributionMetrics", lambda w: {"metricAttributionArn": w["attribution"]}),
    Step(
        "UpdateMetricAttribution",
        lambda w: {
            "metricAttributionArn": w["attribution"],
            "addMetrics": [{"eventType": "click", "metricName": "paid", "expression": "SUM(Interactions.EVENT_VALUE)"}],
        },
    ),
    Step(
        "CreateEventTracker",
        lambda w: {"name": "tracker", "datasetGroupArn": w["group"]},
        lambda aws, w, a: [
            w.update(tracking=a["trackingId"]),
            active("DescribeEventTracker", "eventTrackerArn", "tracker")(aws, w, a),
        ],
    ),
    Step("DescribeEventTracker", lambda w: {"eventTrackerArn": w["tracker"]}),
    Step("ListEventTrackers", lambda w: {"datasetGroupArn": w["group"]}),
    Step(
        "PutEvents",
        lambda w: {
            "trackingId": w["tracking"],
            "userId": "user-01",
            "sessionId": "session-1",
            "eventList": [{"eventType": "click", "itemId": "hit", "sentAt": 1_800_000_000, "eventValue": 2.5}],
        },
    ),
    Step(
        "PutItems", lambda w: {"datasetArn": w["items"], "items": [{"itemId": "hit", "properties": '{"price": 9.5}'}]}
    ),
    Step(
        "PutUsers", lambda w: {"datasetArn": w["users"], "users": [{"userId": "user-01", "properties": '{"age": 30}'}]}
    ),
    Step(
        "PutActions",
        lambda w: {"datasetArn": w["actions"], "actions": [{"actionId": "a9", "properties": '{"category": "x"}'}]},
    ),
    Step(
        "DescribeDataset",
        lambda w: {"datasetArn": w["action-interactions"]},
        kept("action-tracking", lambda a: a["dataset"].get("trackingId") or "no-tracking-id-yet"),
        serves="PutActionInteractions",
    ),
    Step(
        "PutActionInteractions",
        lambda w: {
            "trackingId": w["action-tracking"],
            "actionInteractions": [
                {
                    "actionId": "a1",
                    "userId": "user-01",
                    "sessionId": "s",
                    "timestamp": 1_800_000_000,
                    "eventType": "TAKEN",
                }
            ],
        },
    ),
    Step(
        "CreateFilter",
        lambda w: {
            "name": "unclicked",
            "datasetGroupArn": w["group"],
            "filterExpression": 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
        },
        active("DescribeFilter", "filterArn", "filter"),
    ),
    Step("DescribeFilter", lambda w: {"filterArn": w["filter"]}),
    Step("ListFilters", lambda w: {"datasetGroupArn": w["group"]}),
    # -- solutions, versions, campaigns --------------------------------------------------------------------
    *solution("popular", "aws-popularity-count", None),
    *solution("ranking", "aws-personalized-ranking", "GetPersonalizedRanking", SMALL),
    *solution("segments", "aws-item-affinity", "CreateBatchSegmentJob"),
    *solution("actions", "aws-next-best-action", "GetActionRecommendations"),
    Step("DescribeSolution", lambda w: {"solutionArn": w["solution-popular"]}),
    Step("ListSolutions", lambda w: {"datasetGroupArn": w["group"]}),
    Step("UpdateSolution", lambda w: {"solutionArn": w["solution-popular"], "performAutoTraining": False}),
    Step("DescribeSolutionVersion", lambda w: {"solutionVersionArn": w["version-popular"]}),
    Step("ListSolutionVersions", lambda w: {"solutionArn": w["solution-popular"]}),
    Step("GetSolutionMetrics", lambda w: {"solutionVersionArn": w["version-popular"]}),
    Step(
        "CreateSolutionVersion",
        lambda w: {"solutionArn": w["solution-popular"]},
        kept("stopping", lambda a: a["solutionVersionArn"]),
        serves="StopSolutionVersionCreation",
        before=slow,
    ),
    Step("StopSolutionVersionCreation", lambda w: {"solutionVersionArn": w["stopping"]}, fast),
    campaign("popular", None),
    campaign("ranking", "GetPersonalizedRanking"),
    campaign("actions", "GetActionRecommendations"),
    Step("DescribeCampaign", lambda w: {"campaignArn": w["campaign-popular"]}),
    Step("ListCampaigns", lambda w: {"solutionArn": w["solution-popular"]}),
    Step("UpdateCampaign", lambda w: {"campaignArn": w["campaign-popular"], "minProvisionedTPS": 2}),
    # -- the runtime ---------------------------------------------------------------------------------------
    Step("GetRecommendations", lambda w: {"campaignArn": w["campaign-popular"], "userId": "user-02"}),
    Step(
        "GetPersonalizedRanking",
        lambda w: {
            "campaignArn": w["campaign-ranking"],
            "userId": "user-02",
            "inputList": ["hit", "mid", "solo-02-00"],
        },
    ),
    Step("GetActionRecommendations", lambda w: {"campaignArn": w["campaign-actions"], "userId": "user-02"}),
    # -- batch jobs ----------------------------------------------------------------------------------------
    *batch_job("BatchInferenceJob", "nightly", "popular", "batch/users.json"),
    *batch_job("BatchSegmentJob", "segments", "segments", "segments/items.json"),
    # -- a domain dataset group and its recommender --------------------------------------------------------
    Step(
        "CreateDatasetGroup",
        lambda w: {"name": "videos", "domain": "VIDEO_ON_DEMAND"},
        active("DescribeDatasetGroup", "datasetGroupArn", "videos"),
        serves="CreateRecommender",
    ),
    schema("vod", "INTERACTIONS", FIELDS["INTERACTIONS"][:4], "CreateRecommender", domain="VIDEO_ON_DEMAND"),
    dataset("watches", "videos", "Interactions", "schema-vod", "CreateRecommender"),
    import_job("watches", "watches", "watches.csv", "CreateRecommender"),
    Step(
        "CreateRecommender",
        lambda w: {
            "name": "popular-videos",
            "datasetGroupArn": w["videos"],
            "recipeArn": RECIPE + "aws-vod-most-popular",
        },
        active("DescribeRecommender", "recommenderArn", "recommender"),
    ),
    Step("DescribeRecommender", lambda w: {"recommenderArn": w["recommender"]}),
    Step("ListRecommenders", lambda w: {"datasetGroupArn": w["videos"]}),
    Step(
        "UpdateRecommender",
        lambda w: {"recommenderArn": w["recommender"], "recommenderConfig": {"minRecommendationRequestsPerSecond": 2}},
        recommender_is("ACTIVE"),
    ),
    Step("StopRecommender", lambda w: {"recommenderArn": w["recommender"]}, recommender_is("INACTIVE")),
    Step("StartRecommender", lambda w: {"recommenderArn": w["recommender"]}, recommender_is("ACTIVE")),
    Step("DeleteRecommender", lambda w: {"recommenderArn": w["recommender"]}),
    # -- tags, data deletion -------------------------------------------------------------------------------
    Step("TagResource", lambda w: {"resourceArn": w["group"], "tags": [{"tagKey": "team", "tagValue": "growth"}]}),
    Step("ListTagsForResource", lambda w: {"resourceArn": w["group"]}),
    Step("UntagResource", lambda w: {"resourceArn": w["group"], "tagKeys": ["team"]}),
    Step(
        "CreateDataDeletionJob",
        lambda w: {
            "jobName": "forget",
            "datasetGroupArn": w["group"],
            "dataSource": {"dataLocation": f"s3://{BUCKET}/forget.csv"},
            "roleArn": w["role"],
        },
        active("DescribeDataDeletionJob", "dataDeletionJobArn", "deletion", "COMPLETED"),
    ),
    Step("DescribeDataDeletionJob", lambda w: {"dataDeletionJobArn": w["deletion"]}),
    Step("ListDataDeletionJobs", lambda w: {"datasetGroupArn": w["group"]}),
    # -- deletes, in dependency order ----------------------------------------------------------------------
    Step(
        "DeleteCampaign",
        lambda w: {"campaignArn": w["campaign-ranking"]},
        gone("DescribeCampaign", "campaignArn", "campaign-ranking"),
    ),
    Step("DeleteSolution", lambda w: {"solutionArn": w["solution-ranking"]}),
    Step("DeleteEventTracker", lambda w: {"eventTrackerArn": w["tracker"]}),
    Step("DeleteFilter", lambda w: {"filterArn": w["filter"]}),
    Step("DeleteMetricAttribution", lambda w: {"metricAttributionArn": w["attribution"]}),
    Step(
        "DeleteDataset",
        lambda w: {"datasetArn": w["spare-users"]},
        gone("DescribeDataset", "datasetArn", "spare-users"),
    ),
    Step("DeleteSchema", lambda w: {"schemaArn": w["schema-spare"]}),
    Step("DeleteDatasetGroup", lambda w: {"datasetGroupArn": w["spare"]}),
]


def upload_data(aws: SimpleNamespace) -> None:
    now = 1_700_000_000
    upload(aws, "interactions.csv", planted_interactions({"hit": 50, "mid": 30}).assign(EVENT_VALUE=1.0))
    upload(aws, "watches.csv", planted_interactions({"hit": 50, "mid": 30}, event_type="Watch"))
    upload(aws, "actions.csv", pd.DataFrame({"ACTION_ID": ["a1", "a2", "a3"], "VALUE": [1, 5, 9], "CATEGORY": "x"}))
    taken = [(f"user-{u:02d}", f"a{1 + u % 3}", now + u, "TAKEN" if u % 2 else "NOT_TAKEN") for u in range(60)]
    upload(
        aws, "action-interactions.csv", pd.DataFrame(taken, columns=["USER_ID", "ACTION_ID", "TIMESTAMP", "EVENT_TYPE"])
    )
    upload(aws, "batch/users.json", json.dumps({"userId": "user-03"}) + "\n")
    upload(aws, "segments/items.json", json.dumps({"itemId": "hit"}) + "\n")
    upload(aws, "forget.csv", "USER_ID\nuser-59\n")


def test_every_operation_has_exactly_one_covering_step():
    covered = Counter(step.operation for step in STEPS if step.serves is None)
    assert {name for name, count in covered.items() if count > 1} == set()
    assert set(operations()) - set(covered) == set()
    assert set(covered) - set(operations()) == set()


def test_every_operation_answers_a_valid_request(aws, monkeypatch):
    monkeypatch.setattr(bptt, "MAX_EPOCHS", bptt.MIN_EPOCHS)  # a ranking model on 1,200 rows, trained in seconds
    world = World(role=bucket_and_role(aws))
    upload_data(aws)
    problems = []
    for step in STEPS:
        if step.before:
            step.before()
        try:
            answer = call(aws, step.operation, step.request(world))
            if step.keep:
                step.keep(aws, world, answer)
        except (ClientError, pytest.fail.Exception) as error:
            problems.append(f"{step.operation}: {getattr(error, 'response', {}).get('Error') or error}")
    assert problems == []
