import pytest
from botocore.exceptions import ClientError

from personalize_emulator import configure
from tests.builders import POPULARITY, campaign, group, solution, trained_group, version
from tests.conftest import ACCOUNT, REGION, error_of, wait_gone, wait_until

SEMANTIC = "arn:aws:personalize:::recipe/aws-semantic-similarity"  # a recipe not trained here


def describe(aws, arn):
    return aws.personalize.describe_solution(solutionArn=arn)["solution"]


def test_create_solution_with_popularity_becomes_active(aws, visible_pace):
    configure(pace=0)
    group_arn = group(aws)
    configure(pace=visible_pace)
    arn = aws.personalize.create_solution(name="popular", datasetGroupArn=group_arn, recipeArn=POPULARITY)[
        "solutionArn"
    ]
    assert arn == f"arn:aws:personalize:{REGION}:{ACCOUNT}:solution/popular"
    assert describe(aws, arn)["status"] == "CREATE PENDING"
    described = wait_until(lambda: describe(aws, arn))
    assert described["performAutoML"] is False
    assert described["performHPO"] is False
    assert "latestSolutionVersion" not in described


def test_create_solution_twice_is_refused(aws):
    group_arn = group(aws)
    arn = solution(aws, group_arn)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution(name="solution", datasetGroupArn=group_arn, recipeArn=POPULARITY)
    assert error_of(raised) == ("ResourceAlreadyExistsException", f"Another resource with Arn {arn} already exists.")


def test_create_solution_refuses_a_catalogue_recipe_this_emulator_cannot_train(aws):
    group_arn = group(aws)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution(name="semantic", datasetGroupArn=group_arn, recipeArn=SEMANTIC)
    assert error_of(raised) == (
        "InvalidInputException",
        "The recipe aws-semantic-similarity is not implemented by personalize_emulator yet; no stand-in results are "
        "given. Trainable recipes are listed in the README.",
    )


def test_create_solution_with_an_unknown_recipe(aws):
    group_arn = group(aws)
    recipe = "arn:aws:personalize:::recipe/aws-no-such-recipe"
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution(name="unknown", datasetGroupArn=group_arn, recipeArn=recipe)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {recipe} does not exist.")


def test_create_solution_refuses_perform_auto_ml(aws):
    group_arn = group(aws)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution(name="automl", datasetGroupArn=group_arn, performAutoML=True)
    assert error_of(raised) == (
        "InvalidInputException",
        "performAutoML is not supported by personalize_emulator; choose a recipeArn.",
    )


def test_create_solution_in_a_group_that_does_not_exist(aws):
    group_arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:dataset-group/missing"
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution(name="orphan", datasetGroupArn=group_arn, recipeArn=POPULARITY)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {group_arn} does not exist.")
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_create_solution_refuses_an_event_value_threshold_that_is_not_a_number(aws):
    group_arn = group(aws)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution(
            name="threshold",
            datasetGroupArn=group_arn,
            recipeArn=POPULARITY,
            solutionConfig={"eventValueThreshold": "high"},
        )
    assert error_of(raised) == (
        "InvalidInputException",
        "solutionConfig.eventValueThreshold must be a number, given as a string.",
    )


def test_create_solution_refuses_hpo_ranges_of_hyperparameters_the_algorithm_lacks(aws):
    # AWS's answer to this very request, recorded in aws-samples/amazon-personalize-samples#156.
    ranges = {"integerHyperParameterRanges": [{"name": "model.id_embedding_dim", "minValue": 30, "maxValue": 200}]}
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution(
            name="similar",
            datasetGroupArn=group(aws),
            recipeArn="arn:aws:personalize:::recipe/aws-similar-items",
            performHPO=True,
            solutionConfig={"hpoConfig": {"algorithmHyperParameterRanges": ranges}},
        )
    code, message = error_of(raised)
    assert code == "InvalidInputException"
    assert message.startswith(
        "Provide a hyperparameter that is used in the algorithm: arn:aws:personalize:::algorithm/aws-similar-items"
    )
    assert message.endswith("hpoConfig ranges name hyperparameters that aws-similar-items does not have: "
                            "model.id_embedding_dim.")  # fmt: skip


def test_describe_solution_shows_its_latest_version(aws):
    built = trained_group(aws)
    arn = solution(aws, built.group)
    first = version(aws, arn)
    assert describe(aws, arn)["latestSolutionVersion"]["solutionVersionArn"] == first
    second = version(aws, arn)
    latest = describe(aws, arn)["latestSolutionVersion"]
    assert latest["solutionVersionArn"] == second
    assert latest["status"] == "ACTIVE"
    assert latest["trainingMode"] == "FULL"


def test_describe_solution_that_does_not_exist(aws):
    arn = f"arn:aws:personalize:{REGION}:{ACCOUNT}:solution/missing"
    with pytest.raises(ClientError) as raised:
        describe(aws, arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_list_solutions_by_dataset_group(aws):
    first_group, second_group = group(aws, "first"), group(aws, "second")
    first = solution(aws, first_group, name="one")
    solution(aws, second_group, name="two")
    listed = aws.personalize.list_solutions(datasetGroupArn=first_group)["solutions"]
    assert [s["solutionArn"] for s in listed] == [first]
    assert set(listed[0]) <= {"name", "solutionArn", "status", "creationDateTime", "lastUpdatedDateTime", "recipeArn"}
    everything = aws.personalize.list_solutions()["solutions"]
    assert sorted(s["name"] for s in everything) == ["one", "two"]


def test_update_solution_turns_auto_training_off(aws):
    arn = solution(aws, group(aws))
    assert describe(aws, arn)["performAutoTraining"] is True
    aws.personalize.update_solution(solutionArn=arn, performAutoTraining=False)
    described = describe(aws, arn)
    assert described["performAutoTraining"] is False
    assert described["latestSolutionUpdate"]["performAutoTraining"] is False
    assert described["latestSolutionUpdate"]["status"] == "ACTIVE"


def test_update_solution_while_it_is_being_created_is_refused(aws, visible_pace):
    configure(pace=0)
    group_arn = group(aws)
    configure(pace=visible_pace)
    arn = aws.personalize.create_solution(name="young", datasetGroupArn=group_arn, recipeArn=POPULARITY)["solutionArn"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.update_solution(solutionArn=arn, performAutoTraining=False)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"The solution {arn} is not in ACTIVE state; its status is CREATE PENDING.",
    )


def test_delete_solution_takes_its_versions_with_it(aws, visible_pace):
    configure(pace=0)
    built = trained_group(aws)
    arn = solution(aws, built.group)
    version_arn = version(aws, arn)
    configure(pace=visible_pace)
    aws.personalize.delete_solution(solutionArn=arn)
    assert describe(aws, arn)["status"] == "DELETE PENDING"

    def exists():
        return any(s["solutionArn"] == arn for s in aws.personalize.list_solutions()["solutions"])

    wait_gone(exists)
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_solution_version(solutionVersionArn=version_arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {version_arn} does not exist.")


def test_delete_solution_is_refused_while_a_campaign_serves_one_of_its_versions(aws):
    built = trained_group(aws)
    arn = solution(aws, built.group)
    campaign_arn = campaign(aws, version(aws, arn))
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_solution(solutionArn=arn)
    assert error_of(raised) == ("ResourceInUseException", f"{arn} is in use by {campaign_arn}; delete those first.")
    assert describe(aws, arn)["status"] == "ACTIVE"


def test_delete_solution_is_refused_while_one_of_its_versions_trains(aws, visible_pace):
    configure(pace=0)
    arn = solution(aws, trained_group(aws).group)
    configure(pace=visible_pace)
    version_arn = aws.personalize.create_solution_version(solutionArn=arn)["solutionVersionArn"]
    with pytest.raises(ClientError) as raised:
        aws.personalize.delete_solution(solutionArn=arn)
    assert error_of(raised) == (
        "ResourceInUseException",
        f"{arn} cannot be deleted while {version_arn} is CREATE PENDING.",
    )
