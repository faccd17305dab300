"""Recipes, algorithms and feature transformations: AWS's catalogue, the same in every account and region."""

from __future__ import annotations

from personalize_emulator import settings
from personalize_emulator.errors import InvalidInputException, ResourceNotFoundException
from personalize_emulator.protocol.paging import page
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.arns import global_arn
from personalize_emulator.resources.recipe_catalogue import BY_ARN, CATALOGUE_TIME, RecipeEntry, offered

USER_PERSONALIZATION = global_arn("recipe", "aws-user-personalization")


def recipe_entry(recipe_arn: str) -> RecipeEntry:
    """The recipe at `recipe_arn`, if AWS offers it today."""
    entry = BY_ARN.get(recipe_arn)
    if entry is None or entry not in offered():
        raise ResourceNotFoundException.for_arn(recipe_arn)
    return entry


def recipe_to_train(recipe_arn: str) -> RecipeEntry:
    """The recipe a new solution names; a legacy HRNN recipe is refused in the words of AWS's recipe pages."""
    entry = BY_ARN.get(recipe_arn)
    if entry is not None and entry.legacy and not settings.legacy_recipes():
        raise InvalidInputException(
            f"The recipe {recipe_arn} is not available. Legacy HRNN recipes are no longer available. Use "
            f"{USER_PERSONALIZATION} (User-Personalization), which improves upon and unifies the functionality "
            "offered by the HRNN recipes. (personalize_emulator trains the legacy recipes under "
            "configure(legacy_recipes=True), to replay old notebooks.)"
        )
    return recipe_entry(recipe_arn)


@operation("ListRecipes")
def list_recipes(backend, recipe_provider=None, next_token=None, max_results=None, domain=None):
    entries = [e for e in offered() if domain is None or e.domain == domain]
    return page([e.summary() for e in entries], "recipes", next_token, max_results)


@operation("DescribeRecipe")
def describe_recipe(backend, recipe_arn):
    return {"recipe": recipe_entry(recipe_arn).describe()}


@operation("DescribeAlgorithm")
def describe_algorithm(backend, algorithm_arn):
    entry = next((e for e in offered() if e.algorithm_arn == algorithm_arn), None)
    if entry is None:
        raise ResourceNotFoundException.for_arn(algorithm_arn)
    return {
        "algorithm": {
            "name": entry.name,
            "algorithmArn": entry.algorithm_arn,
            "algorithmImage": {"name": entry.name, "dockerURI": f"personalize-emulator/{entry.name}"},
            "defaultHyperParameters": entry.default_hyperparameters,
            "defaultResourceConfig": {"max_number_of_training_jobs": "1", "max_parallel_training_jobs": "1"},
            "trainingInputMode": "File",
            "creationDateTime": CATALOGUE_TIME,
            "lastUpdatedDateTime": CATALOGUE_TIME,
        }
    }


@operation("DescribeFeatureTransformation")
def describe_feature_transformation(backend, feature_transformation_arn):
    names = {e.feature_transformation for e in offered()}
    name = feature_transformation_arn.rsplit("/", 1)[-1]
    if name not in names or feature_transformation_arn != global_arn("feature-transformation", name):
        raise ResourceNotFoundException.for_arn(feature_transformation_arn)
    return {
        "featureTransformation": {
            "name": name,
            "featureTransformationArn": feature_transformation_arn,
            "defaultParameters": {},
            "creationDateTime": CATALOGUE_TIME,
            "lastUpdatedDateTime": CATALOGUE_TIME,
            "status": "ACTIVE",
        }
    }
