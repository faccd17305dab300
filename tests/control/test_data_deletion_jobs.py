"""Data deletion jobs on both adapters: the lifecycle AWS documents, and users gone from everything a client sees.

The guide: https://docs.aws.amazon.com/personalize/latest/dg/delete-records.html (input, limits, timing) and
https://docs.aws.amazon.com/personalize/latest/dg/API_CreateDataDeletionJob.html (statuses).
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests.builders import (
    BUCKET,
    bucket_and_role,
    campaign,
    dataset,
    export_records,
    group,
    import_frame,
    planted_interactions,
    solution,
    tracker,
    upload,
    version,
)
from tests.conftest import ACCOUNT, REGION, error_of, wait_until

DELETED = ["user-07", "user-08"]
THEIRS = ("solo-07-", "solo-08-", "streamed-user-07", "streamed-user-08")  # the items only they chose
STRANGER = "never-seen"
CLICKED = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("click")'


def describe(aws, arn):
    return aws.personalize.describe_data_deletion_job(dataDeletionJobArn=arn)["dataDeletionJob"]


def start_deletion(aws, group_arn, role, location, name="forget"):
    return aws.personalize.create_data_deletion_job(
        jobName=name, datasetGroupArn=group_arn, dataSource={"dataLocation": location}, roleArn=role
    )["dataDeletionJobArn"]


def delete_users(aws, group_arn, role, users, name="forget"):
    """Run a data deletion job for `users` to completion; its description."""
    location = upload(aws, f"deletions/{name}.csv", pd.DataFrame({"USER_ID": users}))
    job = start_deletion(aws, group_arn, role, location, name)
    return wait_until(lambda: describe(aws, job), "COMPLETED")


def ids(answer):
    return [item["itemId"] for item in answer["itemList"]]


@pytest.fixture
def planted(aws):
    """A group whose users 0..59 each chose items only they chose (`solo-<user>-<n>`), plus Users records, events
    streamed for the users to delete, a popularity campaign trained before the deletion, and a filter of what each
    user clicked."""
    group_arn = group(aws)
    role = bucket_and_role(aws)
    interactions = dataset(aws, group_arn)
    import_frame(aws, interactions, planted_interactions({"hit": 50, "mid": 30}), role, "clicks")
    users = dataset(aws, group_arn, "USERS")
    frame = pd.DataFrame({"USER_ID": ["user-07", "user-08", "user-09"], "NATIONALITY": ["FR", "JP", "BR"]})
    import_frame(aws, users, frame, role, "users")
    put = [{"userId": "user-10", "properties": json.dumps({"nationality": "CL"})}]
    aws.events.put_users(datasetArn=users, users=put)
    tracking = tracker(aws, group_arn)["trackingId"]
    for user in [*DELETED, "user-10"]:
        aws.events.put_events(
            trackingId=tracking, userId=user, sessionId=f"s-{user}",
            eventList=[{"eventType": "click", "itemId": f"streamed-{user}", "sentAt": 1_800_000_000}],
        )  # fmt: skip
    campaign_arn = campaign(aws, version(aws, solution(aws, group_arn)))
    clicked = aws.personalize.create_filter(name="unclicked", datasetGroupArn=group_arn, filterExpression=CLICKED)
    wait_until(lambda: aws.personalize.describe_filter(filterArn=clicked["filterArn"])["filter"])
    return group_arn, role, interactions, users, campaign_arn, clicked["filterArn"]


def test_a_finished_job_has_removed_the_users_from_every_dataset_bulk_and_streamed(aws, planted):
    group_arn, role, interactions, users, _, _ = planted
    finished = delete_users(aws, group_arn, role, [*DELETED, "user-10", "nobody-here"])
    assert finished["numDeleted"] == 3  # the listed users the group held; "nobody-here" was not there
    left = export_records(aws, interactions, role, "interactions-after", "ALL")
    assert not set(left["USER_ID"]) & {*DELETED, "user-10"}
    assert len(left) == 1_200 + 3 - 3 * 21  # 20 imported rows and 1 streamed row for each of the three
    assert sorted(export_records(aws, users, role, "users-after", "ALL")["USER_ID"]) == ["user-09"]


def test_a_deleted_user_gets_nothing_of_theirs_back(aws, planted):
    group_arn, role, _, _, campaign_arn, clicked = planted

    def answer(user, **kwargs):
        return ids(aws.runtime.get_recommendations(campaignArn=campaign_arn, userId=user, numResults=500, **kwargs))

    before = answer("user-07")
    assert {"solo-07-02", "solo-08-02"} <= set(before)
    assert answer("user-07", filterArn=clicked) != answer(STRANGER, filterArn=clicked)  # their clicks are excluded

    delete_users(aws, group_arn, role, DELETED)

    # Items only the deleted users chose are withheld from everyone; the campaign's model was not retrained.
    after = answer("user-09")
    assert not [item for item in after if item.startswith(THEIRS)]
    kept = [item for item in before if not item.startswith(THEIRS)]
    assert after[: len(kept)] == kept  # the same order, the withheld items left out
    # Nothing of the deleted user's history shapes their answer: they are answered as a user never seen.
    for user in DELETED:
        assert answer(user) == answer(STRANGER)
        assert answer(user, filterArn=clicked) == answer(STRANGER, filterArn=clicked)


def test_an_item_in_the_items_dataset_stays_recommendable_when_its_only_user_is_deleted(aws, planted):
    group_arn, role, *_, campaign_arn, _ = planted
    items = dataset(aws, group_arn, "ITEMS")
    import_frame(aws, items, pd.DataFrame({"ITEM_ID": ["solo-07-02"], "GENRES": ["drama"]}), role, "items")
    delete_users(aws, group_arn, role, ["user-07"])
    answer = ids(aws.runtime.get_recommendations(campaignArn=campaign_arn, userId="user-09", numResults=500))
    assert "solo-07-02" in answer and "solo-07-03" not in answer


def test_a_deletion_job_runs_pending_in_progress_completed_and_describes_itself(aws, visible_pace):
    configure(pace=0)
    group_arn = group(aws)
    role = bucket_and_role(aws)
    location = upload(aws, "deletions/users.csv", "USER_ID\nu1\n")
    configure(pace=visible_pace)
    arn = start_deletion(aws, group_arn, role, location, name="gdpr-2024")
    assert arn == f"arn:aws:personalize:{REGION}:{ACCOUNT}:data-deletion-job/gdpr-2024"
    assert describe(aws, arn)["status"] == "PENDING"
    wait_until(lambda: describe(aws, arn), "IN_PROGRESS")
    described = wait_until(lambda: describe(aws, arn), "COMPLETED")
    assert described["jobName"] == "gdpr-2024"
    assert described["datasetGroupArn"] == group_arn
    assert described["dataSource"] == {"dataLocation": location}
    assert described["roleArn"] == role
    assert described["numDeleted"] == 0
    assert described["creationDateTime"] <= described["lastUpdatedDateTime"]


def test_list_data_deletion_jobs_newest_first_by_group_or_all(aws):
    role = bucket_and_role(aws)
    first, second = group(aws, "first"), group(aws, "second")
    location = upload(aws, "deletions/users.csv", "USER_ID\nu1\n")
    made = [start_deletion(aws, g, role, location, name) for g, name in [(first, "a"), (second, "b"), (first, "c")]]
    for arn in made:
        wait_until(lambda arn=arn: describe(aws, arn), "COMPLETED")
    listed = aws.personalize.list_data_deletion_jobs(datasetGroupArn=first)["dataDeletionJobs"]
    assert [j["jobName"] for j in listed] == ["c", "a"]
    assert set(listed[0]) == {
        "dataDeletionJobArn", "datasetGroupArn", "jobName", "status", "creationDateTime", "lastUpdatedDateTime"
    }  # fmt: skip
    everything = aws.personalize.list_data_deletion_jobs()["dataDeletionJobs"]
    assert [j["jobName"] for j in everything] == ["c", "b", "a"]
    page = aws.personalize.list_data_deletion_jobs(maxResults=2)
    assert len(page["dataDeletionJobs"]) == 2 and "nextToken" in page


def test_a_folder_reads_every_csv_file_in_it_and_its_sub_folders_and_nothing_else(aws, planted):
    group_arn, role, interactions, *_ = planted
    upload(aws, "batch/one.csv", "USER_ID\nuser-01\n")
    upload(aws, "batch/deeper/two.csv", "USER_ID\nuser-02\n")
    upload(aws, "batch/notes.txt", "USER_ID\nuser-03\n")
    job = start_deletion(aws, group_arn, role, f"s3://{BUCKET}/batch/")
    assert wait_until(lambda: describe(aws, job), "COMPLETED")["numDeleted"] == 2
    left = set(export_records(aws, interactions, role, "after", "ALL")["USER_ID"])
    assert "user-03" in left and not {"user-01", "user-02"} & left


def test_a_file_without_a_user_id_column_fails_the_job_and_deletes_nothing(aws, planted):
    group_arn, role, interactions, *_ = planted
    job = start_deletion(aws, group_arn, role, upload(aws, "deletions/bad.csv", "CUSTOMER\nuser-07\n"))
    failed = wait_until(lambda: describe(aws, job), "FAILED")
    assert "USER_ID" in failed["failureReason"]
    assert "numDeleted" not in failed
    assert "user-07" in set(export_records(aws, interactions, role, "after", "ALL")["USER_ID"])


def test_create_is_refused_for_a_missing_group_or_an_unreadable_bucket(aws):
    missing = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/none"
    role = bucket_and_role(aws, actions=("s3:PutObject",))
    location = upload(aws, "deletions/users.csv", "USER_ID\nu1\n")
    with pytest.raises(ClientError) as raised:
        start_deletion(aws, missing, role, location)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {missing} does not exist.")
    with pytest.raises(ClientError) as raised:
        start_deletion(aws, group(aws), role, location)
    code, message = error_of(raised)
    assert code == "InvalidInputException" and "s3:GetObject" in message


def test_a_group_has_at_most_five_pending_deletion_jobs(aws):
    group_arn = group(aws)
    role = bucket_and_role(aws)
    location = upload(aws, "deletions/users.csv", "USER_ID\nu1\n")
    configure(pace=60)  # the jobs stay PENDING; the reset after the test stops them
    for n in range(5):
        start_deletion(aws, group_arn, role, location, f"job-{n}")
    with pytest.raises(ClientError) as raised:
        start_deletion(aws, group_arn, role, location, "job-5")
    assert error_of(raised) == (
        "LimitExceededException",
        f"The dataset group {group_arn} has 5 data deletion jobs PENDING; it can have at most 5.",
    )
    configure(pace=0)


def test_the_same_job_name_twice_is_refused(aws):
    group_arn = group(aws)
    role = bucket_and_role(aws)
    location = upload(aws, "deletions/users.csv", "USER_ID\nu1\n")
    arn = start_deletion(aws, group_arn, role, location)
    with pytest.raises(ClientError) as raised:
        start_deletion(aws, group_arn, role, location)
    assert error_of(raised) == ("ResourceAlreadyExistsException", f"Another resource with Arn {arn} already exists.")


def test_a_group_cannot_be_deleted_while_a_deletion_job_runs(aws):
    group_arn = group(aws)
    role = bucket_and_role(aws)
    location = upload(aws, "deletions/users.csv", "USER_ID\nu1\n")
    configure(pace=60)
    job = start_deletion(aws, group_arn, role, location)
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_dataset_group(datasetGroupArn=group_arn)
    assert error_of(raised) == ("ResourceInUseException", f"{group_arn} cannot be deleted while {job} is PENDING.")
    configure(pace=0)
