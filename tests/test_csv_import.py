import json

import pandas as pd
import pytest

from personalize_emulator.data.avro import REQUIRED_FIELDS, parse_schema
from personalize_emulator.data.csv_import import read_csvs
from personalize_emulator.errors import JobFailed
from tests.builders import too_long

SCHEMA = parse_schema(
    json.dumps(
        {
            "type": "record",
            "name": "Interactions",
            "fields": [
                {"name": "USER_ID", "type": "string"},
                {"name": "ITEM_ID", "type": "string"},
                {"name": "TIMESTAMP", "type": "long"},
                {"name": "EVENT_VALUE", "type": ["null", "float"]},
                {"name": "IMPRESSION", "type": ["null", "string"]},
                {"name": "DEVICE", "type": ["null", "string"], "categorical": True},
                {"name": "SHARED", "type": ["null", "boolean"]},
                {"name": "RATING", "type": ["null", "int"]},
            ],
        }
    )
)
HEADER = "USER_ID,ITEM_ID,TIMESTAMP"


def read(*texts):
    """`texts` as files a.csv, b.csv, ... read into SCHEMA."""
    objects = [(f"{chr(97 + index)}.csv", t.encode() if isinstance(t, str) else t) for index, t in enumerate(texts)]
    return read_csvs(objects, SCHEMA, REQUIRED_FIELDS["INTERACTIONS"])


def failure(*texts):
    with pytest.raises(JobFailed) as raised:
        read(*texts)
    return str(raised.value)


def test_read_matches_header_to_fields_and_types_the_values():
    frame = read(
        "timestamp,item_id,user_id,Event_Value,device,shared,rating,unused\n"
        "1700000000,i1,u1,1.5,phone|tablet,true,4,x\n"
        "1700000060,i2,u2,,,,,y\n"
    )
    assert list(frame.columns) == SCHEMA.names
    assert list(frame["USER_ID"]) == ["u1", "u2"]
    assert frame["TIMESTAMP"].tolist() == [1_700_000_000, 1_700_000_060]
    assert str(frame["TIMESTAMP"].dtype) == "Int64" and str(frame["RATING"].dtype) == "Int64"
    assert frame["EVENT_VALUE"][0] == 1.5 and pd.isna(frame["EVENT_VALUE"][1])
    assert frame["DEVICE"][0] == "phone|tablet" and pd.isna(frame["DEVICE"][1])
    assert str(frame["SHARED"].dtype) == "boolean"
    assert bool(frame["SHARED"][0]) is True and pd.isna(frame["SHARED"][1])
    assert frame["RATING"][0] == 4 and pd.isna(frame["RATING"][1])
    assert frame["IMPRESSION"].isna().all()


def test_read_concatenates_several_files():
    frame = read(f"{HEADER}\nu1,i1,1\n", "ITEM_ID,USER_ID,TIMESTAMP\ni2,u2,2\ni3,u3,3\n")
    assert frame["ITEM_ID"].tolist() == ["i1", "i2", "i3"]
    assert frame["TIMESTAMP"].tolist() == [1, 2, 3]


def test_read_tolerates_a_byte_order_mark_and_crlf_line_ends():
    frame = read(("\ufeff" + HEADER + "\r\nu1,i1,1\r\n").encode("utf-8"))
    assert frame["USER_ID"].tolist() == ["u1"]


def test_a_header_alone_gives_no_rows_with_the_schema_columns():
    frame = read(HEADER)
    assert len(frame) == 0 and list(frame.columns) == SCHEMA.names


def test_numbers_may_have_surrounding_spaces_and_exponents():
    assert read(f"{HEADER}\nu1,i1, 1.7e9 \n")["TIMESTAMP"].tolist() == [1_700_000_000]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "USER_ID,TIMESTAMP\nu1,1\n",
            "Input CSV is missing the following columns:[ITEM_ID]. a.csv, line 1: the header has USER_ID, TIMESTAMP.",
            id="missing-required-column",
        ),
        pytest.param(
            f"{HEADER},user_id\nu1,i1,1,u1\n",
            "a.csv, line 1: the header names the column user_id twice.",
            id="repeated-column",
        ),
        pytest.param(
            f"{HEADER}\nu1,i1,1\nu2,i2,noon\n",
            "a.csv, line 3, column TIMESTAMP: 'noon' is not a long.",
            id="not-a-number",
        ),
        pytest.param(
            f"{HEADER}\nu1,i1,inf\n",
            "a.csv, line 2, column TIMESTAMP: 'inf' is not a long.",
            id="infinite-long",
        ),
        pytest.param(
            f"{HEADER},EVENT_VALUE\nu1,i1,1,nan\n",
            "a.csv, line 2, column EVENT_VALUE: 'nan' is not a float.",
            id="nan-float",
        ),
        pytest.param(
            f"{HEADER},RATING\nu1,i1,1,4.5\n",
            "a.csv, line 2, column RATING: '4.5' is not a whole number, as a int must be.",
            id="fractional-int",
        ),
        pytest.param(
            f"{HEADER},SHARED\nu1,i1,1,maybe\n",
            "a.csv, line 2, column SHARED: 'maybe' is not a boolean.",
            id="not-a-boolean",
        ),
        pytest.param(
            f"{HEADER}\nu1,i1,1700000000123\n",
            "a.csv, line 2, column TIMESTAMP: '1700000000123' looks like milliseconds; "
            "Personalize expects seconds since the Unix epoch.",
            id="milliseconds",
        ),
        pytest.param(
            f"{HEADER}\n,i1,1\n",
            "a.csv, line 2, column USER_ID: the value is empty, but the field is not nullable.",
            id="empty-required",
        ),
        pytest.param(
            f"{HEADER},IMPRESSION\nu1,i1,1,{'|'.join(['item'] * 201)}\n",
            too_long(1000, "IMPRESSION")
            + "a.csv, line 2, column IMPRESSION: an impression list is limited to 1000 characters.",
            id="impression-too-long",
        ),
        pytest.param(
            f"{HEADER},DEVICE\nu1,i1,1,{'|'.join(['tablet'] * 150)}\n",
            too_long(1000, "DEVICE")
            + "a.csv, line 2, column DEVICE: a categorical value is limited to 1000 characters.",
            id="categorical-too-long",
        ),
        pytest.param(
            f"{HEADER}\nu1,i1,1\n{'u' * 257},i2,2\n",
            too_long(256, "USER_ID") + "a.csv, line 3, column USER_ID: an id is limited to 256 characters.",
            id="id-too-long",
        ),
        pytest.param(
            f'{HEADER}\nu1,"i1,1\nu2,i2,2\n',
            "a.csv, line 2, column ITEM_ID: a quoted value is not closed before the end of the file.",
            id="unclosed-quote",
        ),
        pytest.param(
            f"{HEADER}\nu1,i1,1\n\nu2,i2,2,3\n",
            "a.csv, line 4: the row has 4 values, but the header names 3 columns.",
            id="too-many-values",
        ),
        pytest.param("\n \n", "a.csv is empty: a CSV file needs a header line naming the schema's fields.", id="blank"),
    ],
)
def test_read_refuses_naming_the_file_line_and_column(text, message):
    assert failure(text) == message


def test_line_numbers_count_blank_lines_and_lines_inside_quoted_values():
    text = f'{HEADER},DEVICE\n\nu1,i1,1,"phone\ntablet"\n\nu2,i2,later,\n'
    assert failure(text) == "a.csv, line 6, column TIMESTAMP: 'later' is not a long."


def test_a_file_that_is_not_utf8_is_refused_with_the_line_of_the_first_bad_byte():
    data = f"{HEADER}\nu1,i1,1\nu2,café,2\n".encode("latin-1")
    at = data.index("é".encode("latin-1"))
    assert (
        failure(data)
        == f"a.csv, line 3, column ITEM_ID: the file is not UTF-8 encoded (invalid continuation byte at byte {at})."
    )


def test_the_failure_names_the_file_that_breaks():
    assert (
        failure(f"{HEADER}\nu1,i1,1\n", f"{HEADER}\nu2,i2,x\n") == "b.csv, line 2, column TIMESTAMP: 'x' is not a long."
    )


def test_values_at_the_length_limits_are_accepted():
    user, impression = "u" * 256, "i" * 1000
    frame = read(f"{HEADER},IMPRESSION\n{user},i1,1,{impression}\n")
    assert frame["USER_ID"][0] == user and len(frame["IMPRESSION"][0]) == 1000
