"""Documented limits of the runtime that the service models do not carry (GetRecommendations' `numResults` and
GetPersonalizedRanking's `inputList`, and the same for batch inference jobs)."""

DEFAULT_RESULTS = 25
MAX_RESULTS = 500
MAX_RESULTS_WITH_METADATA = 50
DEFAULT_ACTION_RESULTS = 5  # GetActionRecommendations: "The default is 5. The maximum is 100."
MAX_ACTION_RESULTS = 100
