"""Recipes, algorithms and feature transformations: AWS's catalogue, the same in every account and region."""

from __future__ import annotations

from personalize_emulator.errors import ResourceNotFoundException
from personalize_emulator.protocol.paging import page
from personalize_emulator.protocol.registry import operation
from personalize_emulator.resources.arns import global_arn
from personalize_emulator.resources.recipe_catalogue import BY_ARN, CATALOGUE_TIME, RECIPES, RecipeEntry


def recipe_entry(recipe_arn: str) -> RecipeEntry:
    entry = BY_ARN.get(recipe_arn)
    if entry is None:
        raise ResourceNotFoundException.for_arn(recipe_arn)
    return entry


@operation("ListRecipes")
def list_recipes(backend, recipe_provider=None, next_token=None, max_results=None, domain=None):
    entries = [e for e in RECIPES if domain is None or e.domain == domain]
    return page([e.summary() for e in entries], "recipes", next_token, max_results)


@operation("DescribeRecipe")
def describe_recipe(backend, recipe_arn):
    return {"recipe": recipe_entry(recipe_arn).describe()}


@operation("DescribeAlgorithm")
def describe_algorithm(backend, algorithm_arn):
    entry = next((e for e in RECIPES if e.algorithm_arn == algorithm_arn), None)
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
    names = {e.feature_transformation for e in RECIPES}
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
