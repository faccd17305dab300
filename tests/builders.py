"""Resources built through the public API, so each test states only what it is about."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from types import SimpleNamespace

import pandas as pd

from personalize_emulator.demo import synthetic_interactions
from personalize_emulator.recipes import TrainingData
from personalize_emulator.testing import bucket_policy, trust_policy
from tests.conftest import wait_until
from tests.recipes import planted

INTERACTIONS_FIELDS = [
    {"name": "USER_ID", "type": "string"},
    {"name": "ITEM_ID", "type": "string"},
    {"name": "TIMESTAMP", "type": "long"},
    {"name": "EVENT_TYPE", "type": "string"},
]
ITEMS_FIELDS = [
    {"name": "ITEM_ID", "type": "string"},
    {"name": "GENRES", "type": ["null", "string"], "categorical": True},
    {"name": "CREATION_TIMESTAMP", "type": ["null", "long"]},
]
USERS_FIELDS = [
    {"name": "USER_ID", "type": "string"},
    {"name": "NATIONALITY", "type": ["null", "string"], "categorical": True},
]
POPULARITY = "arn:aws:personalize:::recipe/aws-popularity-count"
BUCKET = "test-data"
ROLE = "personalize-role"


def waited_for(child: Callable[[], dict], parent: Callable[[], dict], status: str = "ACTIVE") -> dict:
    """Poll `child()` until it reaches `status`, checking on the way that it stayed CREATE PENDING while `parent()`
    was not ACTIVE. The child is read before the parent, so a child seen moving on with its parent not yet ACTIVE
    is a real breach, never a race of the two reads."""

    def child_then_parent() -> dict:
        described, parent_status = child(), parent()["status"]
        assert described["status"] == "CREATE PENDING" or parent_status == "ACTIVE", (described, parent_status)
        return described

    return wait_until(child_then_parent, status)


def bucket_policy_refusal(grant: str) -> str:
    """AWS's words (quoted from a real answer, docs/aws-words.md) when the bucket policy keeps Personalize out of
    `BUCKET`, then ours: what the policy must `grant`."""
    return (
        "Insufficient privileges for accessing data in S3. Please look at "
        "https://docs.aws.amazon.com/personalize/latest/dg/granting-personalize-s3-access.html#attach-bucket-policy "
        f"and fix bucket policy on {BUCKET}. It must allow the service principal personalize.amazonaws.com {grant}."
    )


def too_long(limit: int, column: str) -> str:
    """AWS's words for a CSV value over its length limit (the guide's "Common error messages"); ours follow."""
    return (
        f"Length cannot be more than {limit} characters for {column}. If no values exceed the character limit, make "
        "sure your data follows the formatting guidelines listed in "
        "https://docs.aws.amazon.com/personalize/latest/dg/data-prep-formatting.html. "
    )


def avro(name: str, fields: list[dict]) -> str:
    return json.dumps(
        {"type": "record", "name": name, "namespace": "com.amazonaws.personalize.schema", "fields": fields}
    )


def group(aws: SimpleNamespace, name: str = "group") -> str:
    arn = aws.personalize.create_dataset_group(name=name)["datasetGroupArn"]
    wait_until(lambda: aws.personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"])
    return arn


def dataset(
    aws: SimpleNamespace,
    group_arn: str,
    kind: str = "INTERACTIONS",
    fields: list[dict] | None = None,
    name: str | None = None,
    wait: bool = True,
) -> str:
    """A dataset of `kind` in the group (its schema made for it), ACTIVE unless `wait` is false."""
    defaults = {"INTERACTIONS": INTERACTIONS_FIELDS, "ITEMS": ITEMS_FIELDS, "USERS": USERS_FIELDS}
    schema_name = name or f"{group_arn.rsplit('/', 1)[-1]}-{kind.lower()}"
    schema_arn = aws.personalize.create_schema(name=schema_name, schema=avro(kind.title(), fields or defaults[kind]))[
        "schemaArn"
    ]
    arn = aws.personalize.create_dataset(
        name=schema_name, datasetGroupArn=group_arn, datasetType=kind, schemaArn=schema_arn
    )["datasetArn"]
    if wait:
        wait_until(lambda: aws.personalize.describe_dataset(datasetArn=arn)["dataset"])
    return arn


def bucket_and_role(
    aws: SimpleNamespace,
    actions: tuple[str, ...] = ("s3:GetObject", "s3:ListBucket", "s3:PutObject"),
    trusted: str = "personalize.amazonaws.com",
) -> str:
    """A bucket whose policy lets Personalize perform `actions`, and a role that trusts `trusted`; the role's ARN."""
    aws.s3.create_bucket(Bucket=BUCKET)
    aws.s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(bucket_policy(BUCKET, actions)))
    return aws.iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(trust_policy(trusted)))["Role"]["Arn"]


def upload(aws: SimpleNamespace, key: str, frame: pd.DataFrame | str | bytes) -> str:
    if isinstance(frame, pd.DataFrame):
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False)
        frame = buffer.getvalue()
    aws.s3.put_object(Bucket=BUCKET, Key=key, Body=frame.encode() if isinstance(frame, str) else frame)
    return f"s3://{BUCKET}/{key}"


def start_import(
    aws: SimpleNamespace, dataset_arn: str, location: str, role_arn: str, name: str = "import", mode: str = "FULL"
) -> str:
    return aws.personalize.create_dataset_import_job(
        jobName=name, datasetArn=dataset_arn, dataSource={"dataLocation": location}, roleArn=role_arn, importMode=mode
    )["datasetImportJobArn"]


def import_frame(
    aws: SimpleNamespace, dataset_arn: str, frame: pd.DataFrame, role_arn: str, name: str = "import", mode: str = "FULL"
) -> dict:
    """Upload `frame` and import it; the finished job's description."""
    job = start_import(aws, dataset_arn, upload(aws, f"{name}.csv", frame), role_arn, name, mode)
    return wait_until(lambda: aws.personalize.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"])


def trained_group(aws: SimpleNamespace, frame: pd.DataFrame | None = None) -> SimpleNamespace:
    """A dataset group with imported interactions (the demo's synthetic clicks unless `frame` is given)."""
    group_arn = group(aws)
    interactions = dataset(aws, group_arn)
    role = bucket_and_role(aws)
    import_frame(aws, interactions, synthetic_interactions() if frame is None else frame, role)
    return SimpleNamespace(group=group_arn, interactions=interactions, role=role)


def solution(aws: SimpleNamespace, group_arn: str, recipe: str = POPULARITY, name: str = "solution", **kwargs) -> str:
    arn = aws.personalize.create_solution(name=name, datasetGroupArn=group_arn, recipeArn=recipe, **kwargs)[
        "solutionArn"
    ]
    wait_until(lambda: aws.personalize.describe_solution(solutionArn=arn)["solution"])
    return arn


def version(aws: SimpleNamespace, solution_arn: str, **kwargs) -> str:
    arn = aws.personalize.create_solution_version(solutionArn=solution_arn, **kwargs)["solutionVersionArn"]
    wait_until(lambda: aws.personalize.describe_solution_version(solutionVersionArn=arn)["solutionVersion"])
    return arn


def campaign(aws: SimpleNamespace, version_arn: str, name: str = "campaign", **kwargs) -> str:
    arn = aws.personalize.create_campaign(name=name, solutionVersionArn=version_arn, **kwargs)["campaignArn"]
    wait_until(lambda: aws.personalize.describe_campaign(campaignArn=arn)["campaign"])
    return arn


def deployed(aws: SimpleNamespace, frame: pd.DataFrame | None = None) -> SimpleNamespace:
    """Data, a popularity solution, an ACTIVE version and an ACTIVE campaign."""
    built = trained_group(aws, frame)
    built.solution = solution(aws, built.group)
    built.version = version(aws, built.solution)
    built.campaign = campaign(aws, built.version)
    return built


def start_batch_inference_job(
    aws: SimpleNamespace, built: SimpleNamespace, input_path: str, name: str = "batch", output: str = "", **kwargs
) -> str:
    """A batch inference job of `built.version` through `built.role`, writing under `output` (`out/` by default)."""
    return aws.personalize.create_batch_inference_job(
        jobName=name,
        solutionVersionArn=built.version,
        roleArn=built.role,
        jobInput={"s3DataSource": {"path": input_path}},
        jobOutput={"s3DataDestination": {"path": output or f"s3://{BUCKET}/out/"}},
        **kwargs,
    )["batchInferenceJobArn"]


def tracker(aws: SimpleNamespace, group_arn: str, name: str = "tracker") -> dict:
    created = aws.personalize.create_event_tracker(name=name, datasetGroupArn=group_arn)
    wait_until(
        lambda: aws.personalize.describe_event_tracker(eventTrackerArn=created["eventTrackerArn"])["eventTracker"]
    )
    return created


def planted_interactions(
    users_per_item: dict[str, int], users: int = 60, per_user: int = 20, event_type: str = "click"
) -> pd.DataFrame:
    """Interactions with a known popularity: item `name` is chosen once by each of the first `users_per_item[name]`
    users; each user is padded to `per_user` rows with items only they chose (60 x 20 = 1,200 rows, over 1,000)."""
    rows = []
    for user in range(users):
        chosen = [item for item, count in users_per_item.items() if user < count]
        chosen += [f"solo-{user:02d}-{j:02d}" for j in range(per_user - len(chosen))]
        rows += [
            (f"user-{user:02d}", item, 1_700_000_000 + 60 * (user * per_user + step), event_type)
            for step, item in enumerate(chosen)
        ]
    return pd.DataFrame(rows, columns=["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"])


def group_with_interactions(
    aws: SimpleNamespace, fields: list[dict], frame: pd.DataFrame | None = None
) -> SimpleNamespace:
    """A dataset group whose Interactions schema has `fields`, with `frame` imported when given."""
    group_arn = group(aws)
    interactions = dataset(aws, group_arn, fields=fields)
    role = bucket_and_role(aws)
    if frame is not None:
        import_frame(aws, interactions, frame, role)
    return SimpleNamespace(group=group_arn, interactions=interactions, role=role)


def export_records(aws: SimpleNamespace, dataset_arn: str, role_arn: str, name: str, mode: str) -> pd.DataFrame:
    """What the dataset holds, as a dataset export job of `mode` (BULK, PUT or ALL) writes it, read back as strings.
    The bucket must allow Personalize s3:PutObject (`bucket_and_role` does by default)."""
    job = aws.personalize.create_dataset_export_job(
        jobName=name,
        datasetArn=dataset_arn,
        roleArn=role_arn,
        ingestionMode=mode,
        jobOutput={"s3DataDestination": {"path": f"s3://{BUCKET}/exports/"}},
    )["datasetExportJobArn"]
    wait_until(lambda: aws.personalize.describe_dataset_export_job(datasetExportJobArn=job)["datasetExportJob"])
    keys = [o["Key"] for o in aws.s3.list_objects_v2(Bucket=BUCKET, Prefix=f"exports/{name}/")["Contents"]]
    frames = [
        pd.read_csv(aws.s3.get_object(Bucket=BUCKET, Key=k)["Body"], dtype=str, keep_default_na=False) for k in keys
    ]
    return pd.concat(frames, ignore_index=True)


def planted_group(aws: SimpleNamespace, data: TrainingData) -> SimpleNamespace:
    """A dataset group with each dataset of planted `data` made with its schema and imported: `group`, `role`, and
    each dataset's ARN under its type in lower case (`interactions`, `actions`, ...)."""
    built = SimpleNamespace(group=group(aws), role=bucket_and_role(aws))
    frames = {
        "INTERACTIONS": data.interactions,
        "ITEMS": data.items,
        "USERS": data.users,
        "ACTIONS": data.actions,
        "ACTION_INTERACTIONS": data.action_interactions,
    }
    for kind, frame in frames.items():
        if frame is not None and kind in data.schemas:
            arn = dataset(aws, built.group, kind, planted.avro_fields(data.schemas[kind]))
            import_frame(aws, arn, frame, built.role, kind.lower())
            setattr(built, kind.lower(), arn)
    return built


def clusters_group(aws: SimpleNamespace, new_items: list[dict] | None = None) -> str:
    """A dataset group of `planted.everything_once` clusters: interactions, and items when `new_items` is given
    (the planted items plus those, which nobody chose)."""
    data = planted.everything_once()
    group_arn = group(aws)
    role = bucket_and_role(aws)
    fields = planted.avro_fields(planted.INTERACTIONS)
    import_frame(aws, dataset(aws, group_arn, "INTERACTIONS", fields), data.interactions, role)
    if new_items is not None:
        items = pd.concat([data.items, pd.DataFrame(new_items)], ignore_index=True)
        import_frame(aws, dataset(aws, group_arn, "ITEMS", planted.avro_fields(planted.ITEMS)), items, role, "items")
    return group_arn


DOMAIN_FIELDS = {
    "VIDEO_ON_DEMAND": {
        "INTERACTIONS": INTERACTIONS_FIELDS,
        "ITEMS": [
            {"name": "ITEM_ID", "type": "string"},
            {"name": "GENRES", "type": ["string"], "categorical": True},
            {"name": "CREATION_TIMESTAMP", "type": "long"},
        ],
    },
    "ECOMMERCE": {
        "INTERACTIONS": INTERACTIONS_FIELDS,
        "ITEMS": [
            {"name": "ITEM_ID", "type": "string"},
            {"name": "PRICE", "type": "float"},
            {"name": "CATEGORY_L1", "type": ["string"], "categorical": True},
        ],
    },
}  # AWS's default domain schemas (the guide's datasets-and-schemas pages), fields in another order


def domain_group(aws: SimpleNamespace, domain: str, frames: dict[str, pd.DataFrame], name: str = "domain") -> str:
    """An ACTIVE Domain dataset group with a dataset of each type in `frames` (AWS's default schemas), imported."""
    arn = aws.personalize.create_dataset_group(name=name, domain=domain)["datasetGroupArn"]
    wait_until(lambda: aws.personalize.describe_dataset_group(datasetGroupArn=arn)["datasetGroup"])
    role = bucket_and_role(aws) if frames else None
    for kind, frame in frames.items():
        schema = aws.personalize.create_schema(
            name=f"{name}-{kind.lower()}", schema=avro(kind.title(), DOMAIN_FIELDS[domain][kind]), domain=domain
        )["schemaArn"]
        dataset_arn = aws.personalize.create_dataset(
            name=f"{name}-{kind.lower()}", datasetGroupArn=arn, datasetType=kind, schemaArn=schema
        )["datasetArn"]
        wait_until(lambda d=dataset_arn: aws.personalize.describe_dataset(datasetArn=d)["dataset"])
        import_frame(aws, dataset_arn, frame, str(role), kind.lower())
    return arn


def recommender(aws: SimpleNamespace, group_arn: str, use_case: str, name: str | None = None, **kwargs) -> str:
    """An ACTIVE recommender of `use_case` (a recipe name such as `aws-vod-top-picks`)."""
    arn = aws.personalize.create_recommender(
        name=name or use_case, datasetGroupArn=group_arn, recipeArn=f"arn:aws:personalize:::recipe/{use_case}", **kwargs
    )["recommenderArn"]
    wait_until(lambda: aws.personalize.describe_recommender(recommenderArn=arn)["recommender"], timeout=900)
    return arn
