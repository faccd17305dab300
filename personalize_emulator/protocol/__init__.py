"""Wire protocol: operations and shapes from botocore's service models, request validation, response shaping."""
