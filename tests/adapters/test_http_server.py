"""The server's own endpoint beside moto's: `POST /moto-api/seed` seeds the emulator as well as moto."""

import requests

import personalize_emulator
from personalize_emulator import settings


def test_moto_api_seed_seeds_the_emulator_and_refuses_a_seed_that_is_not_an_integer(server_url):
    before = settings.seed()
    assert requests.post(f"{server_url}/moto-api/seed", params={"a": "31"}, timeout=10).status_code == 200
    assert settings.seed() == 31  # the test server runs in this process, so its settings can be read
    refused = requests.post(f"{server_url}/moto-api/seed", params={"a": "many"}, timeout=10)
    assert refused.status_code == 400 and "?a=42" in refused.text and settings.seed() == 31
    personalize_emulator.configure(seed=before)
