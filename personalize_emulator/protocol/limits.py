"""Documented limits of the runtime that the service models do not carry (GetRecommendations' `numResults` and
GetPersonalizedRanking's `inputList`, and the same for batch inference jobs)."""

DEFAULT_RESULTS = 25
MAX_RESULTS = 500
MAX_RESULTS_WITH_METADATA = 50
