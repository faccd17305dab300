"""`serve --data-dir`: what was acknowledged survives `kill -9`; work in flight ends in a clear state."""

from __future__ import annotations

import threading

import pytest

from personalize_emulator.adapters.child_process import ServerProcess
from personalize_emulator.resources.lifecycle import Jobs
from tests import builders
from tests.conftest import _clients, wait_gone, wait_until
from tests.recipes import planted, planted_domains

UP = "arn:aws:personalize:::recipe/aws-user-personalization"


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "false")
    server = ServerProcess(tmp_path / "state")
    server.start()
    server.aws = _clients("server", server.url)
    yield server
    server.kill()


def ids(answer: dict) -> list[str]:
    return [item["itemId"] for item in answer["itemList"]]


def test_acknowledged_events_and_resources_survive_kill_9(server):
    aws = server.aws
    built = builders.deployed(aws)
    tracker = builders.tracker(aws, built.group)
    sent = 0
    for n in range(30):  # each put_events answered 200 is acknowledged
        aws.events.put_events(
            trackingId=tracker["trackingId"], userId=f"u{n % 7}", sessionId="s",
            eventList=[{"eventType": "click", "itemId": f"i{n % 11}", "sentAt": 1_800_000_000 + n}],
        )  # fmt: skip
        sent += 1
    before = ids(aws.runtime.get_recommendations(campaignArn=built.campaign, userId="u1", numResults=10))
    batch = aws.personalize.create_batch_inference_job(
        jobName="nightly", solutionVersionArn=built.version, roleArn=built.role,
        jobInput={"s3DataSource": {"path": builders.upload(aws, "in/users.json", '{"userId": "u1"}\n')}},
        jobOutput={"s3DataDestination": {"path": f"s3://{builders.BUCKET}/out/"}},
    )["batchInferenceJobArn"]  # fmt: skip
    batch_job = wait_until(
        lambda: aws.personalize.describe_batch_inference_job(batchInferenceJobArn=batch)["batchInferenceJob"]
    )
    unclicked = aws.personalize.create_filter(
        name="unclicked", datasetGroupArn=built.group,
        filterExpression='EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")',
    )["filterArn"]  # fmt: skip
    wait_until(lambda: aws.personalize.describe_filter(filterArn=unclicked)["filter"])

    def unclicked_for_u1() -> list[str]:
        return ids(aws.runtime.get_recommendations(campaignArn=built.campaign, userId="u1", filterArn=unclicked))

    filtered = unclicked_for_u1()
    assert not {"i1", "i8", "i4", "i0", "i7"} & set(filtered)  # the items u1 clicked through put_events

    server.restart()

    assert server.restored.endswith("resources restored")
    campaign = aws.personalize.describe_campaign(campaignArn=built.campaign)["campaign"]
    assert campaign["status"] == "ACTIVE"
    assert ids(aws.runtime.get_recommendations(campaignArn=built.campaign, userId="u1", numResults=10)) == before
    assert aws.personalize.describe_batch_inference_job(batchInferenceJobArn=batch)["batchInferenceJob"] == batch_job
    assert unclicked_for_u1() == filtered  # the filter and the events it reads came back
    # S3 is moto's and not kept: a new bucket receives the export of everything the dataset holds.
    role = builders.bucket_and_role(aws)
    exported = builders.export_records(aws, built.interactions, role, "after", "ALL")
    assert len(exported) == len(builders.synthetic_interactions()) + sent
    assert (exported["TIMESTAMP"].astype(int) >= 1_800_000_000).sum() == sent


def test_a_model_comes_back_with_its_events_and_work_in_flight_fails_clearly(server):
    aws = server.aws
    data = planted.tastes(users_per_group=25, steps=20)
    fields = planted.avro_fields(planted.INTERACTIONS)
    built = builders.group_with_interactions(aws, fields, data.interactions)
    solution = builders.solution(
        aws, built.group, UP, solutionConfig={"algorithmHyperParameters": {"hidden_dimension": "32"}}
    )
    version = aws.personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]
    wait_until(lambda: aws.personalize.describe_solution_version(solutionVersionArn=version)["solutionVersion"])
    config = {"itemExplorationConfig": {"explorationWeight": "0", "explorationItemAgeCutOff": "30"}}
    campaign = builders.campaign(aws, version, campaignConfig=config)
    tracker = builders.tracker(aws, built.group)
    events = [{"eventType": "click", "itemId": f"b{k}", "sentAt": 1_800_000_000 + k} for k in range(5)]
    aws.events.put_events(trackingId=tracker["trackingId"], userId="walk-in", sessionId="s", eventList=events)
    before = aws.runtime.get_recommendations(campaignArn=campaign, userId="walk-in", numResults=10)
    assert sum(i.startswith("b") for i in ids(before)) >= 8  # the events took effect before the restart
    training = aws.personalize.create_solution_version(solutionArn=solution)["solutionVersionArn"]

    server.restart()

    after = aws.runtime.get_recommendations(campaignArn=campaign, userId="walk-in", numResults=10)
    assert ids(after) == ids(before)
    assert [round(i["score"], 6) for i in after["itemList"]] == [round(i["score"], 6) for i in before["itemList"]]
    interrupted = aws.personalize.describe_solution_version(solutionVersionArn=training)["solutionVersion"]
    assert interrupted["status"] == "CREATE FAILED"
    assert "stopped while this was in progress" in interrupted["failureReason"]


def test_a_related_items_model_comes_back_and_answers_the_same(server):
    aws = server.aws
    new = [{"ITEM_ID": "new-b", "GENRE": "B", "CREATION_TIMESTAMP": planted.START}]
    group_arn = builders.clusters_group(aws, new)
    recipe = "arn:aws:personalize:::recipe/aws-similar-items"
    campaign = builders.campaign(aws, builders.version(aws, builders.solution(aws, group_arn, recipe)))

    def answers():
        return [ids(aws.runtime.get_recommendations(campaignArn=campaign, itemId=i)) for i in ("a1", "new-b", "x")]

    before = answers()
    server.restart()
    assert answers() == before


def test_users_removed_by_a_data_deletion_job_stay_removed(server):
    aws = server.aws
    built = builders.deployed(aws, builders.planted_interactions({"hit": 50}))
    tracking = builders.tracker(aws, built.group)["trackingId"]
    streamed = [{"eventType": "click", "itemId": "streamed-07", "sentAt": 1_800_000_000}]
    aws.events.put_events(trackingId=tracking, userId="user-07", sessionId="s", eventList=streamed)
    users = builders.upload(aws, "forget.csv", "USER_ID\nuser-07\n")
    job = aws.personalize.create_data_deletion_job(
        jobName="forget", datasetGroupArn=built.group, dataSource={"dataLocation": users}, roleArn=built.role
    )["dataDeletionJobArn"]
    wait_until(
        lambda: aws.personalize.describe_data_deletion_job(dataDeletionJobArn=job)["dataDeletionJob"], "COMPLETED"
    )

    def recommended() -> list[str]:
        return ids(aws.runtime.get_recommendations(campaignArn=built.campaign, userId="user-09", numResults=500))

    before = recommended()
    assert not [item for item in before if item.startswith("solo-07-")]

    server.restart()

    assert recommended() == before  # the model was saved again without what only user-07 chose
    role = builders.bucket_and_role(aws)  # S3 is moto's and not kept
    exported = builders.export_records(aws, built.interactions, role, "after", "ALL")
    assert "user-07" not in set(exported["USER_ID"]) and len(exported) == 1_200 - 20

    server.pace = 60  # a job that stays PENDING until the process is killed
    server.restart()
    role = builders.bucket_and_role(aws)
    caught = aws.personalize.create_data_deletion_job(
        jobName="caught", datasetGroupArn=built.group, roleArn=role,
        dataSource={"dataLocation": builders.upload(aws, "again.csv", "USER_ID\nuser-08\n")},
    )["dataDeletionJobArn"]  # fmt: skip
    server.pace = 0
    server.restart()
    job = aws.personalize.describe_data_deletion_job(dataDeletionJobArn=caught)["dataDeletionJob"]
    assert job["status"] == "FAILED" and "stopped while this was in progress" in job["failureReason"]


def test_a_recommender_comes_back_stopped_with_its_events_and_starts_again(server):
    aws = server.aws
    data = planted_domains.vod()
    group_arn = builders.domain_group(aws, "VIDEO_ON_DEMAND", {"INTERACTIONS": data.interactions})
    trending = builders.recommender(aws, group_arn, "aws-vod-trending-now")
    tracker = builders.tracker(aws, group_arn)
    newest = int(data.interactions["TIMESTAMP"].max())
    events = [{"eventType": "Watch", "itemId": "breaking", "sentAt": newest + k} for k in range(10)]
    for fan in range(5):
        aws.events.put_events(trackingId=tracker["trackingId"], userId=f"fan{fan}", sessionId="s", eventList=events)
    before = ids(aws.runtime.get_recommendations(recommenderArn=trending, numResults=5))
    assert before[0] == "breaking"
    aws.personalize.stop_recommender(recommenderArn=trending)
    wait_until(lambda: aws.personalize.describe_recommender(recommenderArn=trending)["recommender"], "INACTIVE")

    server.restart()

    aws.personalize.start_recommender(recommenderArn=trending)
    wait_until(lambda: aws.personalize.describe_recommender(recommenderArn=trending)["recommender"])
    assert ids(aws.runtime.get_recommendations(recommenderArn=trending, numResults=5)) == before


def test_deleted_resources_stay_deleted(server):
    aws = server.aws
    keep, drop = builders.group(aws, "keep"), builders.group(aws, "drop")
    aws.personalize.delete_dataset_group(datasetGroupArn=drop)
    wait_gone(lambda: len(aws.personalize.list_dataset_groups()["datasetGroups"]) > 1)
    server.restart()
    assert [g["datasetGroupArn"] for g in aws.personalize.list_dataset_groups()["datasetGroups"]] == [keep]
    assert aws.personalize.describe_dataset_group(datasetGroupArn=keep)["datasetGroup"]["status"] == "ACTIVE"


def test_a_reader_waits_until_the_status_it_could_see_is_saved():
    jobs, lock = Jobs(), threading.RLock()
    with jobs.changing(lock):
        pass  # a status moved, not saved yet
    waited = threading.Event()
    reader = threading.Thread(target=lambda: (jobs.wait_saved(timeout=30), waited.set()))
    reader.start()
    assert not waited.wait(0.3)  # still unsaved: the reader holds its answer
    jobs.mark_saved(jobs.made())
    assert waited.wait(5)
    reader.join()
