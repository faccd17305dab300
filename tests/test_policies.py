import json

from personalize_emulator.data.policies import allows

BUCKET = "arn:aws:s3:::data"


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def statement(action, resource=None, principal=None, effect="Allow"):
    out = {"Effect": effect, "Principal": principal or {"Service": "personalize.amazonaws.com"}, "Action": action}
    return out | ({"Resource": resource} if resource else {})


def test_an_allow_for_the_personalize_principal_grants_the_action_on_matching_resources():
    granted = policy(statement(["s3:GetObject"], [f"{BUCKET}/*"]))
    assert allows(granted, "s3:GetObject", f"{BUCKET}/folder/a.csv")
    assert not allows(granted, "s3:GetObject", "arn:aws:s3:::other/a.csv")
    assert not allows(granted, "s3:PutObject", f"{BUCKET}/a.csv")


def test_actions_match_without_case_and_with_wildcards_resources_with_case():
    granted = policy(statement("S3:Get*", f"{BUCKET}/Data/*"))
    assert allows(granted, "s3:GetObject", f"{BUCKET}/Data/a.csv")
    assert not allows(granted, "s3:GetObject", f"{BUCKET}/data/a.csv")


def test_other_principals_do_not_count_but_everyone_does():
    assert not allows(policy(statement("s3:*", "*", {"Service": "ec2.amazonaws.com"})), "s3:GetObject", BUCKET)
    assert not allows(policy(statement("s3:*", "*", {"AWS": "arn:aws:iam::1:root"})), "s3:GetObject", BUCKET)
    assert allows(policy(statement("s3:*", "*", "*")), "s3:GetObject", BUCKET)
    assert allows(policy(statement("s3:*", "*", {"AWS": "*"})), "s3:GetObject", BUCKET)


def test_an_explicit_deny_wins_over_an_allow():
    both = policy(statement("s3:*", "*"), statement("s3:GetObject", f"{BUCKET}/secret/*", effect="Deny"))
    assert allows(both, "s3:GetObject", f"{BUCKET}/public/a.csv")
    assert not allows(both, "s3:GetObject", f"{BUCKET}/secret/a.csv")


def test_a_trust_policy_is_read_from_json_text_without_a_resource():
    trust = json.dumps(
        {
            "Statement": {
                "Effect": "Allow",
                "Principal": {"Service": ["personalize.amazonaws.com"]},
                "Action": "sts:AssumeRole",
            }
        }
    )
    assert allows(trust, "sts:AssumeRole")
    assert not allows("not json", "sts:AssumeRole")
    assert not allows(None, "sts:AssumeRole")
