"""A local Amazon Personalize that trains real models, served inside moto's `mock_aws()` or as a server.

import personalize_emulator            # from now on moto.mock_aws() also serves Personalize
from personalize_emulator import mock_aws

with mock_aws():
    boto3.client("personalize", region_name="us-east-1").list_recipes()
"""

from moto import mock_aws

from . import control, events, plugin, runtime  # noqa: F401  (control, events, runtime register their operations)
from .settings import configure

plugin.install()

__all__ = ["configure", "mock_aws"]
__version__ = "0.1.0"
