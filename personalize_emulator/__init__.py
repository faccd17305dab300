"""A local Amazon Personalize that trains real models, served inside moto's `mock_aws()` or as a server.

import personalize_emulator            # from now on moto.mock_aws() also serves Personalize
from personalize_emulator import mock_aws

with mock_aws():
    boto3.client("personalize", region_name="us-east-1").list_recipes()

Importing the package plugs its backends into moto's tables (moto has no plug-in API) and changes nothing else:
no environment variable, no thread, no file.
"""

from personalize_emulator.adapters import moto_plugin
from personalize_emulator.adapters.moto_plugin import mock_aws
from personalize_emulator.api import control, events, runtime  # noqa: F401  (they register their operations)
from personalize_emulator.settings import configure

moto_plugin.install()

__all__ = ["configure", "mock_aws"]
__version__ = "0.1.0"
