import pytest
from botocore.exceptions import ClientError

from personalize_emulator.recipes import trainable
from personalize_emulator.resources.recipe_catalogue import BY_ARN
from tests.builders import group
from tests.conftest import error_of

RECIPE = "arn:aws:personalize:::recipe/{}"


def recipes(aws, **kwargs):
    pages = aws.personalize.get_paginator("list_recipes").paginate(**kwargs)
    return {r["name"]: r for page in pages for r in page["recipes"]}


def test_list_recipes_gives_global_arns_and_no_recipe_type(aws):
    listed = recipes(aws)
    for name in ("aws-user-personalization", "aws-popularity-count", "aws-personalized-ranking", "aws-sims"):
        assert listed[name]["recipeArn"] == RECIPE.format(name)
        assert listed[name]["status"] == "ACTIVE"
    assert all("recipeType" not in r for r in listed.values())


def test_list_recipes_by_domain(aws):
    listed = recipes(aws, domain="ECOMMERCE")
    assert "aws-ecomm-recommended-for-you" in listed
    assert {r["domain"] for r in listed.values()} == {"ECOMMERCE"}
    assert "aws-user-personalization" not in listed


@pytest.mark.parametrize(
    "name, recipe_type",
    [
        ("aws-user-personalization", "USER_PERSONALIZATION"),
        ("aws-popularity-count", "USER_PERSONALIZATION"),
        ("aws-personalized-ranking", "PERSONALIZED_RANKING"),
        ("aws-sims", "RELATED_ITEMS"),
    ],
)
def test_describe_recipe_gives_its_type(aws, name, recipe_type):
    recipe = aws.personalize.describe_recipe(recipeArn=RECIPE.format(name))["recipe"]
    assert recipe["recipeType"] == recipe_type
    assert recipe["name"] == name
    assert recipe["algorithmArn"] == f"arn:aws:personalize:::algorithm/{name}"
    assert recipe["featureTransformationArn"].startswith("arn:aws:personalize:::feature-transformation/")


def test_describe_recipe_that_does_not_exist(aws):
    arn = RECIPE.format("aws-no-such-recipe")
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_recipe(recipeArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_describe_algorithm_of_user_personalization_gives_its_default_hyperparameters(aws):
    recipe = aws.personalize.describe_recipe(recipeArn=RECIPE.format("aws-user-personalization"))["recipe"]
    algorithm = aws.personalize.describe_algorithm(algorithmArn=recipe["algorithmArn"])["algorithm"]
    assert algorithm["algorithmArn"] == recipe["algorithmArn"]
    defaults = algorithm["defaultHyperParameters"]
    # The developer guide's defaults: hidden_dimension 149, bptt 32, recency_mask true.
    assert defaults["hidden_dimension"] == "149"
    assert defaults["bptt"] == "32"
    assert defaults["recency_mask"].lower() == "true"
    assert algorithm["algorithmImage"]["dockerURI"]


def test_describe_algorithm_that_does_not_exist(aws):
    arn = "arn:aws:personalize:::algorithm/aws-no-such-algorithm"
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_algorithm(algorithmArn=arn)
    assert error_of(raised) == ("ResourceNotFoundException", f"Resource Arn {arn} does not exist.")


def test_describe_feature_transformation_of_a_recipe(aws):
    recipe = aws.personalize.describe_recipe(recipeArn=RECIPE.format("aws-sims"))["recipe"]
    arn = recipe["featureTransformationArn"]
    described = aws.personalize.describe_feature_transformation(featureTransformationArn=arn)["featureTransformation"]
    assert described["featureTransformationArn"] == arn
    assert described["status"] == "ACTIVE"


@pytest.mark.parametrize(
    "name, recipe_type, transformation, defaults",
    [
        ("aws-personalized-ranking", "PERSONALIZED_RANKING", "JSON-percentile-filtering", {"hidden_dimension": "149"}),
        ("aws-user-personalization-v2", "USER_PERSONALIZATION", "user-personalization-v2",
         {"apply_recency_bias": "true"}),
        ("aws-hrnn", "USER_PERSONALIZATION", "JSON-percentile-filtering", {"hidden_dimension": "43", "bptt": "32"}),
        ("aws-hrnn-metadata", "USER_PERSONALIZATION", "featurize_metadata", {"hidden_dimension": "43"}),
        ("aws-hrnn-coldstart", "USER_PERSONALIZATION", "featurize_coldstart",
         {"hidden_dimension": "149", "cold_start_max_interactions": "15", "cold_start_max_duration": "5.0",
          "cold_start_relative_from": "latestItem"}),
    ],
)  # fmt: skip
def test_the_recipes_of_the_user_personalization_network_are_described_as_aws_documents_them(
    aws, legacy_recipes, name, recipe_type, transformation, defaults
):
    recipe = aws.personalize.describe_recipe(recipeArn=RECIPE.format(name))["recipe"]
    entry = BY_ARN[RECIPE.format(name)]
    assert (recipe["recipeType"], recipe["description"]) == (recipe_type, entry.description)
    assert recipe["featureTransformationArn"] == f"arn:aws:personalize:::feature-transformation/{transformation}"
    algorithm = aws.personalize.describe_algorithm(algorithmArn=recipe["algorithmArn"])["algorithm"]
    assert algorithm["defaultHyperParameters"].items() >= defaults.items()
    assert algorithm["defaultHyperParameters"] == trainable(name).hyperparameters({})


LEGACY = ("aws-hrnn", "aws-hrnn-metadata", "aws-hrnn-coldstart")


@pytest.mark.parametrize("name", LEGACY)
def test_a_legacy_hrnn_recipe_is_refused_pointing_to_user_personalization(aws, name):
    # "Legacy HRNN recipes are no longer available." (AWS's recipe pages, e.g. native-recipe-hrnn.html)
    group_arn = group(aws)
    with pytest.raises(ClientError) as raised:
        aws.personalize.create_solution(name="old", datasetGroupArn=group_arn, recipeArn=RECIPE.format(name))
    code, message = error_of(raised)
    assert code == "InvalidInputException"
    assert message.startswith(
        f"The recipe {RECIPE.format(name)} is not available. Legacy HRNN recipes are no longer available. Use "
        "arn:aws:personalize:::recipe/aws-user-personalization (User-Personalization)"
    )
    assert "configure(legacy_recipes=True)" in message


def test_legacy_hrnn_recipes_are_neither_listed_nor_described(aws):
    # AWS's ListRecipes answers since 2022 go from aws-ecomm-* straight to aws-item-affinity.
    assert not set(LEGACY) & set(recipes(aws))
    with pytest.raises(ClientError) as raised:
        aws.personalize.describe_recipe(recipeArn=RECIPE.format("aws-hrnn"))
    assert error_of(raised)[0] == "ResourceNotFoundException"


def test_legacy_hrnn_recipes_are_listed_and_trainable_when_configured_for_them(aws, legacy_recipes):
    assert set(LEGACY) <= set(recipes(aws))
    arn = aws.personalize.create_solution(name="old", datasetGroupArn=group(aws), recipeArn=RECIPE.format("aws-hrnn"))
    assert arn["solutionArn"].endswith(":solution/old")


def test_trending_now_and_similar_items_are_described_as_their_recipe_pages_say(aws):
    trending = aws.personalize.describe_recipe(recipeArn=RECIPE.format("aws-trending-now"))["recipe"]
    assert trending["algorithmArn"] == "arn:aws:personalize:::algorithm/aws-trending-now-custom"
    assert aws.personalize.describe_algorithm(algorithmArn=trending["algorithmArn"])["algorithm"]["name"]
    similar = aws.personalize.describe_recipe(recipeArn=RECIPE.format("aws-similar-items"))["recipe"]
    algorithm = aws.personalize.describe_algorithm(algorithmArn=similar["algorithmArn"])["algorithm"]
    assert algorithm["defaultHyperParameters"] == {"item_id_hidden_dim": "100", "item_metadata_hidden_dim": "100"}
