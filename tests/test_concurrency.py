"""Many clients at once: state changes are atomic, and events sent from eight threads while a model trains and
an import runs are all kept, once each."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests import builders
from tests.conftest import wait_until

THREADS = 8
CALLS = 15  # put_events calls per thread, 4 events each


def test_two_creates_of_one_name_one_wins(aws):
    configure(quotas={"active_dataset_groups": 10})  # AWS's default is 5
    for attempt in range(10):
        start = threading.Barrier(2)

        def create(name=f"race-{attempt}", start=start):
            start.wait()
            try:
                return aws.personalize.create_dataset_group(name=name)["datasetGroupArn"]
            except ClientError as error:
                return error.response["Error"]["Code"]

        with ThreadPoolExecutor(2) as pool:
            outcomes = list(pool.map(lambda _: create(), range(2)))
        created = [o for o in outcomes if o.startswith("arn:")]
        assert [o.rsplit("/", 1)[-1] for o in created] == [f"race-{attempt}"]
        assert [o for o in outcomes if o not in created] == ["ResourceAlreadyExistsException"]


def test_events_from_eight_threads_during_training_and_an_import_are_all_kept_once(aws):
    built = builders.deployed(aws)
    tracker = builders.tracker(aws, built.group)
    items = builders.dataset(aws, built.group, "ITEMS")
    catalogue = pd.DataFrame({"ITEM_ID": [f"i{n}" for n in range(120)], "GENRES": "x", "CREATION_TIMESTAMP": 1})
    import_job = builders.start_import(aws, items, builders.upload(aws, "items.csv", catalogue), built.role, "items")
    training = aws.personalize.create_solution_version(solutionArn=built.solution)["solutionVersionArn"]
    errors: list[BaseException] = []

    def client_thread(worker: int) -> None:
        try:
            for call in range(CALLS):
                events = [
                    {"eventType": "click", "itemId": f"w{worker}-{call}-{k}", "sentAt": 1_800_000_000 + call}
                    for k in range(4)
                ]
                aws.events.put_events(
                    trackingId=tracker["trackingId"], userId=f"w{worker}", sessionId=f"s{worker}", eventList=events
                )
                answer = aws.runtime.get_recommendations(campaignArn=built.campaign, userId=f"w{worker}")
                assert len(answer["itemList"]) == 25
        except BaseException as error:  # noqa: BLE001 (reported below, with the thread that raised it)
            errors.append(error)

    threads = [threading.Thread(target=client_thread, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    wait_until(lambda: aws.personalize.describe_dataset_import_job(datasetImportJobArn=import_job)["datasetImportJob"])
    wait_until(lambda: aws.personalize.describe_solution_version(solutionVersionArn=training)["solutionVersion"])

    exported = builders.export_records(aws, built.interactions, built.role, "all", "PUT")
    sent = {f"w{w}-{c}-{k}" for w in range(THREADS) for c in range(CALLS) for k in range(4)}
    assert len(exported) == len(sent)  # none lost, none twice
    assert set(exported["ITEM_ID"]) == sent
