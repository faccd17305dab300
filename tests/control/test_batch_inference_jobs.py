import json
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure, recipes
from personalize_emulator.recipes import base
from personalize_emulator.testing import bucket_policy, trust_policy
from tests import builders
from tests.builders import BUCKET, bucket_policy_refusal, waited_for
from tests.conftest import ACCOUNT, REGION, error_of, wait_until

# Item popularity planted so that Popularity-Count ranks a, b, c, d first (then items chosen by one user each).
POPULAR = {"a": 50, "b": 40, "c": 30, "d": 20}
OUTPUT = f"s3://{BUCKET}/out/"


def describe(aws, job_arn):
    return aws.personalize.describe_batch_inference_job(batchInferenceJobArn=job_arn)["batchInferenceJob"]


def popularity_version(aws, recipe=builders.POPULARITY):
    built = builders.trained_group(aws, builders.planted_interactions(POPULAR))
    built.version = builders.version(aws, builders.solution(aws, built.group, recipe))
    return built


start_job = builders.start_batch_inference_job


def read_lines(aws, key):
    body = aws.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
    return [json.loads(line) for line in body.splitlines()]


def jsonl(*records) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def answer(aws, built, body, name="batch", **kwargs):
    """Upload `body` as `in/<name>.json`, run a job on it to ACTIVE; the lines of `out/<name>.json.out`, parsed."""
    path = builders.upload(aws, f"in/{name}.json", body)
    job = start_job(aws, built, path, name, **kwargs)
    wait_until(lambda: describe(aws, job))
    return read_lines(aws, f"out/{name}.json.out")


def test_each_input_line_is_answered_in_order_and_bad_lines_get_an_error_line(aws):
    built = popularity_version(aws)
    body = jsonl(
        {"userId": "user-01"},
        "not json",
        {"itemId": "a"},
        "  ",  # a blank line is no input line
        ["user-02"],
        {"userId": "someone new"},
    )
    written = answer(aws, built, body, numResults=3)
    assert [line["input"] for line in written] == [
        {"userId": "user-01"},
        "not json",
        {"itemId": "a"},
        ["user-02"],
        {"userId": "someone new"},
    ]
    for n in (0, 4):
        assert written[n] == {
            "input": written[n]["input"],
            "output": {"recommendedItems": ["a", "b", "c"]},
            "error": None,
        }
    for n in (1, 2, 3):
        assert written[n]["output"] is None
    assert written[1]["error"].startswith("The input line is not valid JSON")
    assert "userId is required" in written[2]["error"]
    assert "must be a JSON object" in written[3]["error"]


def test_num_results_defaults_to_25_and_is_at_most_500(aws):
    built = popularity_version(aws)
    [line] = answer(aws, built, jsonl({"userId": "user-01"}))
    assert len(line["output"]["recommendedItems"]) == 25
    with pytest.raises(ClientError) as raised:
        start_job(aws, built, f"s3://{BUCKET}/in/batch.json", name="too-many", numResults=501)
    assert error_of(raised) == ("InvalidInputException", "numResults must be between 1 and 500; got 501.")


def test_a_prefix_reads_every_file_it_matches_and_each_gets_its_own_output(aws):
    built = popularity_version(aws)
    for key in ("in/part-1.json", "in/part-2.json", "in_later/part-3.json", "elsewhere/part-4.json"):
        builders.upload(aws, key, jsonl({"userId": key}))
    wait_until(lambda: describe(aws, start_job(aws, built, f"s3://{BUCKET}/in", numResults=1)))
    keys = sorted(o["Key"] for o in aws.s3.list_objects_v2(Bucket=BUCKET, Prefix="out/")["Contents"])
    assert keys == ["out/in/part-1.json.out", "out/in/part-2.json.out", "out/in_later/part-3.json.out"]
    assert read_lines(aws, "out/in_later/part-3.json.out")[0]["input"] == {"userId": "in_later/part-3.json"}

    wait_until(
        lambda: describe(
            aws, start_job(aws, built, f"s3://{BUCKET}/in/", name="folder", output=f"s3://{BUCKET}/folder")
        )
    )
    keys = sorted(o["Key"] for o in aws.s3.list_objects_v2(Bucket=BUCKET, Prefix="folder/")["Contents"])
    assert keys == ["folder/part-1.json.out", "folder/part-2.json.out"]


def test_job_moves_through_pending_to_active_and_describes_itself(aws, visible_pace):
    configure(pace=0)
    built = popularity_version(aws)
    path = builders.upload(aws, "in/users.json", jsonl({"userId": "user-01"}))
    configure(pace=visible_pace)
    job = start_job(aws, built, path, name="nightly", numResults=10, tags=[{"tagKey": "team", "tagValue": "growth"}])
    assert job == f"arn:aws:personalize:{REGION}:{ACCOUNT}:batch-inference-job/nightly"
    assert describe(aws, job)["status"] == "CREATE PENDING"
    wait_until(lambda: describe(aws, job), "CREATE IN_PROGRESS")
    described = wait_until(lambda: describe(aws, job))
    assert {k: v for k, v in described.items() if not k.endswith("DateTime")} == {
        "jobName": "nightly",
        "batchInferenceJobArn": job,
        "solutionVersionArn": built.version,
        "numResults": 10,
        "jobInput": {"s3DataSource": {"path": path}},
        "jobOutput": {"s3DataDestination": {"path": OUTPUT}},
        "roleArn": built.role,
        "batchInferenceJobMode": "BATCH_INFERENCE",
        "status": "ACTIVE",
    }
    assert aws.personalize.list_tags_for_resource(resourceArn=job)["tags"] == [{"tagKey": "team", "tagValue": "growth"}]


def test_list_jobs_by_solution_version(aws):
    built = popularity_version(aws)
    path = builders.upload(aws, "in/users.json", jsonl({"userId": "user-01"}))
    mine = {start_job(aws, built, path, name=name) for name in ("first", "second")}
    listed = aws.personalize.list_batch_inference_jobs(solutionVersionArn=built.version)["batchInferenceJobs"]
    assert {j["batchInferenceJobArn"] for j in listed} == mine
    assert set(listed[0]) <= {
        "batchInferenceJobArn",
        "jobName",
        "status",
        "creationDateTime",
        "lastUpdatedDateTime",
        "failureReason",
        "solutionVersionArn",
        "batchInferenceJobMode",
    }
    assert listed[0]["batchInferenceJobMode"] == "BATCH_INFERENCE"
    other = f"arn:aws:personalize:{REGION}:{ACCOUNT}:solution/other/0123abcd"
    assert aws.personalize.list_batch_inference_jobs(solutionVersionArn=other)["batchInferenceJobs"] == []


def test_a_missing_input_ends_the_job_create_failed(aws):
    built = popularity_version(aws)
    job = start_job(aws, built, f"s3://{BUCKET}/in/nothing-here.json")
    failed = wait_until(lambda: describe(aws, job), "CREATE FAILED")
    assert failed["failureReason"] == f"There are no objects under s3://{BUCKET}/in/nothing-here.json."


def test_a_role_personalize_cannot_assume_is_refused(aws):
    built = popularity_version(aws)
    stranger = aws.iam.create_role(
        RoleName="stranger",
        AssumeRolePolicyDocument=json.dumps(trust_policy("ec2.amazonaws.com")),
    )["Role"]["Arn"]
    built.role = stranger
    with pytest.raises(ClientError) as raised:
        start_job(aws, built, f"s3://{BUCKET}/in/users.json")
    code, message = error_of(raised)
    assert code == "InvalidInputException"
    assert message.startswith(f"The role {stranger} does not trust personalize.amazonaws.com")
    assert aws.personalize.list_batch_inference_jobs()["batchInferenceJobs"] == []


def test_the_output_bucket_must_let_personalize_write(aws):
    built = popularity_version(aws)
    aws.s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(bucket_policy(BUCKET, ("s3:GetObject", "s3:ListBucket"))))
    with pytest.raises(ClientError) as raised:
        start_job(aws, built, f"s3://{BUCKET}/in/users.json")
    assert error_of(raised) == (
        "InvalidInputException",
        bucket_policy_refusal(f"s3:PutObject on arn:aws:s3:::{BUCKET}/out/*"),
    )


def test_a_path_that_is_not_s3_is_refused(aws):
    built = popularity_version(aws)
    with pytest.raises(ClientError) as raised:
        start_job(aws, built, f"s3://{BUCKET}/in/users.json", output="https://example.com/out/")
    assert error_of(raised) == (  # AWS's words (the guide's "Common error messages"), then ours
        "InvalidInputException",
        "Invalid S3 output path. https://example.com/out/ is not an S3 location; use s3://bucket/key or "
        "s3://bucket/folder/.",
    )


def test_a_solution_version_that_is_not_active_is_refused(aws, visible_pace):
    configure(pace=0)
    built = popularity_version(aws)
    configure(pace=visible_pace)
    solution = aws.personalize.describe_solution_version(solutionVersionArn=built.version)["solutionVersion"]
    built.version = aws.personalize.create_solution_version(solutionArn=solution["solutionArn"])["solutionVersionArn"]
    with pytest.raises(ClientError) as raised:
        start_job(aws, built, f"s3://{BUCKET}/in/users.json")
    assert error_of(raised) == (
        "ResourceInUseException",
        f"The solution version {built.version} is not in ACTIVE state; its status is CREATE PENDING.",
    )


def test_exploration_config_is_refused_for_a_recipe_that_does_not_explore(aws):
    built = popularity_version(aws)
    config = {"itemExplorationConfig": {"explorationWeight": "0.5", "explorationItemAgeCutOff": "10"}}
    with pytest.raises(ClientError) as raised:
        start_job(aws, built, f"s3://{BUCKET}/in/users.json", batchInferenceJobConfig=config)
    assert error_of(raised) == (
        "InvalidInputException",
        "itemExplorationConfig applies only to the User-Personalization recipe, not aws-popularity-count.",
    )


def test_theme_generation_is_refused_as_not_implemented(aws):
    built = popularity_version(aws)
    with pytest.raises(ClientError) as raised:
        start_job(
            aws,
            built,
            f"s3://{BUCKET}/in/items.json",
            batchInferenceJobMode="THEME_GENERATION",
            themeGenerationConfig={"fieldsForThemeGeneration": {"itemName": "TITLE"}},
        )
    code, message = error_of(raised)
    assert (code, raised.value.response["ResponseMetadata"]["HTTPStatusCode"]) == ("NotImplementedException", 501)
    assert "THEME_GENERATION" in message


# Small stand-ins for the recipes of the other two recipe types: their right answers are known by construction.
class Neighbours(base.Model):
    """Each item's neighbours are `<item>-1`, `<item>-2`, ...; no scores, as SIMS shows none."""

    def recommend(self, user_id, num_results, context=None, exclude=None, exploration=None, rng=None, item_id=None):
        return [(f"{item_id}-{k}", None) for k in range(1, num_results + 1)] if item_id else []

    def rank(self, user_id, item_ids, context=None):
        return []

    def item_ids(self):
        return []


class Alphabetical(base.Model):
    """Ranks the items it knows (all but `new-*`) in reverse alphabetical order, with scores 3, 2, 1 ..."""

    def recommend(self, user_id, num_results, context=None, exclude=None, exploration=None, rng=None, item_id=None):
        return []

    def rank(self, user_id, item_ids, context=None):
        known = sorted((i for i in item_ids if not i.startswith("new-")), reverse=True)
        return [(item, float(len(known) - n)) for n, item in enumerate(known)]

    def item_ids(self):
        return []


class StandIn(base.Recipe):
    def __init__(self, name, recipe_type, model):
        self.name, self.recipe_type, self.model = name, recipe_type, model

    def train(self, data, config, previous=None):
        return self.model


class Explorer(base.Model):
    """Shows the exploration config and whether a random stream came with it, as its recommended items."""

    def recommend(self, user_id, num_results, context=None, exclude=None, exploration=None, rng=None, item_id=None):
        config = exploration or {}
        shown = [f"{key}={config[key]}" for key in sorted(config)] + [f"rng={rng is not None}"]
        return [(item, None) for item in shown[:num_results]]

    def rank(self, user_id, item_ids, context=None):
        return []

    def item_ids(self):
        return []


@pytest.fixture
def stand_ins(monkeypatch):
    """Stand-ins trained in place of the real recipes of these names, for the length of one test."""
    for recipe in (
        StandIn("aws-sims", base.RELATED_ITEMS, Neighbours()),
        StandIn("aws-personalized-ranking", base.PERSONALIZED_RANKING, Alphabetical()),
        StandIn("aws-user-personalization", base.USER_PERSONALIZATION, Explorer()),
    ):
        monkeypatch.setitem(recipes._TRAINABLE, recipe.name, recipe)


def test_related_items_lines_name_an_item(aws, stand_ins):
    built = popularity_version(aws, "arn:aws:personalize:::recipe/aws-sims")
    written = answer(aws, built, jsonl({"itemId": "a"}, {"userId": "user-01"}, {"itemId": "b"}), numResults=2)
    assert [line["output"] for line in written] == [
        {"recommendedItems": ["a-1", "a-2"]},
        None,
        {"recommendedItems": ["b-1", "b-2"]},
    ]
    assert "itemId is required" in written[1]["error"]


def test_personalized_ranking_lines_rank_their_item_list_unknown_items_last(aws, stand_ins):
    built = popularity_version(aws, "arn:aws:personalize:::recipe/aws-personalized-ranking")
    body = jsonl(
        {"userId": "user-01", "itemList": ["a", "new-x", "c", "b"]},
        {"userId": "user-02"},
        {"userId": "user-03", "itemList": ["b", "a"]},
    )
    written = answer(aws, built, body, numResults=1)  # numResults does not cut a ranking
    # An item without data comes last without a score, as GetPersonalizedRanking answers it.
    assert written[0]["output"] == {"recommendedItems": ["c", "b", "a", "new-x"], "scores": [3.0, 2.0, 1.0, None]}
    assert written[1]["output"] is None and "itemList" in written[1]["error"]
    assert written[2]["output"] == {"recommendedItems": ["b", "a"], "scores": [2.0, 1.0]}


def test_exploration_config_reaches_an_exploring_recipe_with_defaults_filled_in(aws, stand_ins):
    built = popularity_version(aws, "arn:aws:personalize:::recipe/aws-user-personalization")
    config = {"itemExplorationConfig": {"explorationWeight": "0.5"}}
    [line] = answer(aws, built, jsonl({"userId": "user-01"}), batchInferenceJobConfig=config)
    assert line["output"]["recommendedItems"] == ["explorationItemAgeCutOff=30", "explorationWeight=0.5", "rng=True"]
    job = aws.personalize.list_batch_inference_jobs()["batchInferenceJobs"][0]["batchInferenceJobArn"]
    assert describe(aws, job)["batchInferenceJobConfig"] == {
        "itemExplorationConfig": {"explorationWeight": "0.5", "explorationItemAgeCutOff": "30"}
    }


def test_the_filter_must_exist_in_the_solution_versions_dataset_group(aws):
    built = popularity_version(aws)
    other = builders.group(aws, "other")
    builders.dataset(aws, other)
    expression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'
    foreign = aws.personalize.create_filter(name="foreign", datasetGroupArn=other, filterExpression=expression)
    wait_until(lambda: aws.personalize.describe_filter(filterArn=foreign["filterArn"])["filter"])
    with pytest.raises(ClientError) as raised:
        start_job(aws, built, f"s3://{BUCKET}/in/users.json", filterArn=foreign["filterArn"])
    assert error_of(raised) == (
        "InvalidInputException",
        f"The filter {foreign['filterArn']} belongs to the dataset group {other}, not to {built.group}, whose "
        "solution answers this request.",
    )
    missing = f"arn:aws:personalize:{REGION}:{ACCOUNT}:filter/missing"
    with pytest.raises(ClientError) as raised:
        start_job(aws, built, f"s3://{BUCKET}/in/users.json", filterArn=missing)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {missing} does not exist.")


def test_a_job_with_a_filter_still_being_created_waits_for_it(aws, visible_pace):
    # The guide's batch page creates the job with a filter it has just created, without waiting.
    configure(pace=0)
    built = popularity_version(aws)
    path = builders.upload(aws, "in/users.json", jsonl({"userId": "user-01"}))
    configure(pace=visible_pace)
    expression = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'
    arn = aws.personalize.create_filter(name="fresh", datasetGroupArn=built.group, filterExpression=expression)
    job = start_job(aws, built, path, filterArn=arn["filterArn"])
    waited_for(
        lambda: describe(aws, job), lambda: aws.personalize.describe_filter(filterArn=arn["filterArn"])["filter"]
    )
    recommended = read_lines(aws, "out/users.json.out")[0]["output"]["recommendedItems"]
    assert recommended and not set(POPULAR) & set(recommended)  # user-01 clicked them all: the filter applied


def test_a_filter_applies_to_every_line_of_a_real_related_items_job(aws):
    """aws-sims on two planted clusters (a0..a9 chosen together, b0..b9 likewise), with a filter that keeps the
    query item's genre and drops a1: each line gets exactly its cluster, less the query item and a1."""
    group_arn = builders.clusters_group(aws, new_items=[])
    built = SimpleNamespace(
        version=builders.version(aws, builders.solution(aws, group_arn, "arn:aws:personalize:::recipe/aws-sims")),
        role=f"arn:aws:iam::{ACCOUNT}:role/{builders.ROLE}",
    )
    expression = 'INCLUDE ItemID WHERE Items.GENRE IN CurrentItem.GENRE | EXCLUDE ItemID WHERE Items.ITEM_ID IN ("a1")'
    arn = aws.personalize.create_filter(name="same-genre", datasetGroupArn=group_arn, filterExpression=expression)
    wait_until(lambda: aws.personalize.describe_filter(filterArn=arn["filterArn"])["filter"])
    written = answer(aws, built, jsonl({"itemId": "a3"}, {"itemId": "b5"}), filterArn=arn["filterArn"])
    assert len(written) == 2
    cluster = {f"{group}{k}" for group in "ab" for k in range(10)}
    assert set(written[0]["output"]["recommendedItems"]) == {i for i in cluster if i[0] == "a"} - {"a1", "a3"}
    assert set(written[1]["output"]["recommendedItems"]) == {i for i in cluster if i[0] == "b"} - {"b5"}
