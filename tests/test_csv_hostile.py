"""CSV imports tried on purpose, through the public API (upload to S3, create_dataset_import_job, wait).

Each hostile file ends CREATE FAILED with a reason that names the file, the line and the column (where the file
has them), and the dataset keeps its previous data; a file that is merely unusual imports cleanly and adds to it.
What the dataset holds is read back as Personalize shows it: through a dataset export job.
AWS reads CSV encoded in UTF-8 ("If your data includes any non-ASCII encoded characters, your CSV file must be
encoded in UTF-8", and headers unquoted: "Don't enclose headers in quotation marks", its data guide).
"""

from __future__ import annotations

from tests.builders import BUCKET, bucket_and_role, dataset, export_records, group, start_import, too_long, upload
from tests.conftest import wait_until

FIELDS = [
    {"name": "USER_ID", "type": "string"},
    {"name": "ITEM_ID", "type": "string"},
    {"name": "TIMESTAMP", "type": "long"},
    {"name": "EVENT_TYPE", "type": "string"},
    {"name": "EVENT_VALUE", "type": ["null", "float"]},
    {"name": "DEVICE", "type": ["null", "string"], "categorical": True},
    {"name": "RATING", "type": ["null", "int"]},
    {"name": "VIEWS", "type": ["null", "long"]},
]
HEADER = "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n"
GOOD = HEADER + "u1,i1,1700000000,click\nu2,i2,1700000060,watch\n"
GOOD_ROWS = [("u1", "i1", "1700000000", "click"), ("u2", "i2", "1700000060", "watch")]
LATIN_1 = (HEADER + "u1,café,1700000000,click\n").encode("latin-1")
E_ACUTE = LATIN_1.index("é".encode("latin-1"))

# name -> (body, failureReason after the file's location)
HOSTILE = {
    "unclosed-quote": (
        HEADER + 'u1,"i1,1700000000,click\nu2,i2,1700000060,click\n',
        ", line 2, column ITEM_ID: a quoted value is not closed before the end of the file.",
    ),
    "text-after-a-closing-quote": (
        HEADER + 'u1,"i1"x,1700000000,click\n',
        ", line 2, column ITEM_ID: a quoted value goes on after its closing quote (',' expected after '\"').",
    ),
    "quoted-header": (
        '"USER_ID","ITEM_ID","TIMESTAMP","EVENT_TYPE"\nu1,i1,1700000000,click\n',
        ", line 1, column USER_ID: the header encloses the column name in quotation marks; "
        "Personalize reads header names unquoted.",
    ),
    "latin-1": (
        LATIN_1,
        f", line 2, column ITEM_ID: the file is not UTF-8 encoded (invalid continuation byte at byte {E_ACUTE}).",
    ),
    "utf-16-with-bom": (
        GOOD.encode("utf-16"),
        ", line 1: the file starts with the byte order mark of UTF-16; Personalize reads CSV files encoded in UTF-8.",
    ),
    "utf-16-without-bom": (
        GOOD.encode("utf-16-le"),
        ", line 1: the file holds a NUL byte; is it UTF-16? Personalize reads CSV files encoded in UTF-8.",
    ),
    "nul-in-a-value": (
        HEADER + "u1,i\x001,1700000000,click\n",
        ", line 2, column ITEM_ID: the file holds a NUL byte; is it UTF-16? Personalize reads CSV files encoded in "
        "UTF-8.",
    ),
    "missing-required-column": (
        "USER_ID,TIMESTAMP,EVENT_TYPE\nu1,1700000000,click\n",
        None,  # "Input csv is missing ..." names the file after the reason
    ),
    "empty-file": (b"", " is empty: a CSV file needs a header line naming the schema's fields."),
    "blank-lines-only": ("\n\r\n \n", " is empty: a CSV file needs a header line naming the schema's fields."),
    "timestamp-not-a-number": (
        HEADER + "u1,i1,yesterday,click\n",
        ", line 2, column TIMESTAMP: 'yesterday' is not a long.",
    ),
    "timestamp-in-milliseconds": (
        HEADER + "u1,i1,1700000000,click\nu2,i2,1700000000123,click\n",
        ", line 3, column TIMESTAMP: '1700000000123' looks like milliseconds; "
        "Personalize expects seconds since the Unix epoch.",
    ),
    "timestamp-in-nanoseconds": (
        HEADER + "u1,i1,1700000000000000000,click\n",
        ", line 2, column TIMESTAMP: '1700000000000000000' is too large for seconds since the Unix epoch, "
        "which Personalize expects.",
    ),
    "float-not-a-number": (
        "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\nu1,i1,1700000000,click,lots\n",
        ", line 2, column EVENT_VALUE: 'lots' is not a float.",
    ),
    "int-out-of-range": (
        "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,RATING\nu1,i1,1700000000,click,1e30\n",
        ", line 2, column RATING: '1e30' is out of the range of a int (-2147483648 to 2147483647).",
    ),
    "long-out-of-range": (
        "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,VIEWS\nu1,i1,1700000000,click,9223372036854775808\n",
        ", line 2, column VIEWS: '9223372036854775808' is out of the range of a long "
        "(-9223372036854775808 to 9223372036854775807).",
    ),
    "float-out-of-range": (
        "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE,EVENT_VALUE\nu1,i1,1700000000,click,1e39\n",
        ", line 2, column EVENT_VALUE: '1e39' is out of the range of a float (+-3.402823e+38).",
    ),
    "too-few-values": (
        HEADER + "u1,i1,1700000000,click\nu2,i2,1700000060\n",
        ", line 3, column EVENT_TYPE: the row ends after 3 values, but the header names 4 columns.",
    ),
    "too-many-values": (
        HEADER + "u1,i1,1700000000,click,extra\n",
        ", line 2: the row has 5 values, but the header names 4 columns.",
    ),
    "empty-required-value": (
        HEADER + "u1,,1700000000,click\n",
        ", line 2, column ITEM_ID: the value is empty, but the field is not nullable.",
    ),
    "id-too-long": (
        HEADER + f"u1,{'i' * 257},1700000000,click\n",
        ", line 2, column ITEM_ID: an id is limited to 256 characters.",
    ),
}


def describe(aws, job):
    return aws.personalize.describe_dataset_import_job(datasetImportJobArn=job)["datasetImportJob"]


def exported(aws, dataset_arn, role, name):
    """What the dataset holds, as a dataset export job writes it: sorted rows of strings."""
    frame = export_records(aws, dataset_arn, role, name, "BULK")
    return sorted(frame[["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE"]].itertuples(index=False, name=None))


def imported(aws, target, role, name, body):
    job = start_import(aws, target, upload(aws, f"{name}.csv", body), role, name)
    return wait_until(lambda: describe(aws, job))


def interactions(aws):
    group_arn = group(aws)
    return dataset(aws, group_arn, fields=FIELDS), bucket_and_role(aws)


def run_all(aws, target, role, files: dict[str, bytes | str], mode: str) -> dict[str, dict]:
    """Import every file (one job each), five at a time (AWS's quota on import jobs pending or in progress), each
    batch waited for; the jobs' descriptions."""
    settled, names = {}, list(files)
    for start in range(0, len(names), 5):
        jobs = {
            name: start_import(aws, target, upload(aws, f"{name}.csv", files[name]), role, name, mode)
            for name in names[start : start + 5]
        }
        for name, job in jobs.items():
            status = "CREATE FAILED" if mode == "FULL" else "ACTIVE"
            settled[name] = wait_until(lambda job=job: describe(aws, job), status)
    return settled


def test_hostile_files_fail_naming_file_line_and_column_and_the_dataset_keeps_its_data(aws):
    target, role = interactions(aws)
    imported(aws, target, role, "good", GOOD)
    failed = run_all(aws, target, role, {name: body for name, (body, _) in HOSTILE.items()}, "FULL")
    reasons = {name: job["failureReason"] for name, job in failed.items()}
    expected = {name: f"s3://{BUCKET}/{name}.csv{reason}" for name, (_, reason) in HOSTILE.items() if reason}
    expected["id-too-long"] = too_long(256, "ITEM_ID") + expected["id-too-long"]
    expected["missing-required-column"] = (
        "Input CSV is missing the following columns:[ITEM_ID]. "
        f"s3://{BUCKET}/missing-required-column.csv, line 1: the header has USER_ID, TIMESTAMP, EVENT_TYPE."
    )
    assert reasons == expected
    assert exported(aws, target, role, "after-hostile-files") == GOOD_ROWS


def test_unusual_files_import_cleanly_and_add_to_what_the_dataset_had(aws):
    target, role = interactions(aws)
    imported(aws, target, role, "good", GOOD)
    unusual = {
        # Columns the schema does not name are ignored (the emulator's choice; AWS documents no rule for them).
        "extra-columns": "NOTES,user_id,Item_Id,timestamp,event_type,MORE\nignored,u3,i3,1700000120,click,x\n",
        # Interactions are events: the same event twice is kept twice.
        "duplicate-rows": HEADER + "u4,i4,1700000180,click\nu4,i4,1700000180,click\n",
        "header-only": HEADER,
        "bom-and-crlf": ("\ufeff" + HEADER + "u5,i5,1700000240,click\n").replace("\n", "\r\n").encode("utf-8"),
        # RFC 4180 quoting: commas, doubled quotes and a line break inside quoted values; a quote inside an
        # unquoted value is kept as it is.
        "rfc-4180-quoting": HEADER.rstrip()
        + ',DEVICE\nu6,"i,6",1700000300,click,"phone ""big""\nscreen"\nu7,i"7,1700000360,click,\n',
        "utf-8-text": HEADER + "u8,café-日本-😀,1700000420,click\n",
    }
    done = run_all(aws, target, role, unusual, "INCREMENTAL")
    assert {name: job["status"] for name, job in done.items()} == dict.fromkeys(unusual, "ACTIVE")
    added = [
        ("u3", "i3", "1700000120", "click"),
        ("u4", "i4", "1700000180", "click"),
        ("u4", "i4", "1700000180", "click"),
        ("u5", "i5", "1700000240", "click"),
        ("u6", "i,6", "1700000300", "click"),
        ("u7", 'i"7', "1700000360", "click"),
        ("u8", "café-日本-😀", "1700000420", "click"),
    ]
    assert exported(aws, target, role, "after-unusual-files") == sorted(GOOD_ROWS + added)


def test_an_items_file_that_repeats_an_id_keeps_the_last_record(aws):
    # Items are keyed by ITEM_ID: a later record of the same item replaces the earlier one, in a file as across imports.
    group_arn = group(aws)
    items, role = dataset(aws, group_arn, "ITEMS"), bucket_and_role(aws)
    body = "ITEM_ID,GENRES\ni1,drama\ni2,comedy\ni1,horror\n"
    imported(aws, items, role, "items", body)
    frame = export_records(aws, items, role, "items-export", "BULK")
    assert sorted(frame[["ITEM_ID", "GENRES"]].itertuples(index=False, name=None)) == [
        ("i1", "horror"),
        ("i2", "comedy"),
    ]
