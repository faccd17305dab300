"""Airline reviews for the notebook "contextual recommendations": Skytrax's, or synthetic ones in the same format.

`load_airline_reviews` reads `airline.csv` of the public Skytrax reviews data set (quankiquanki/skytrax-reviews-
dataset, 41,396 reviews scraped from airlinequality.com in 2015), downloaded once and cached under `data/cache/`.
`to_personalize` turns either frame into the notebook's Interactions (an author rates an airline, flying a cabin)
and Users (the author's country) datasets, as AWS's notebook `user-personalization-with-contextual-
recommendations` does.

`make_airline_reviews` makes reviews with the same columns when the real ones cannot be had, and with a planted
answer a model should find. Everything in them is synthetic, drawn by a seeded generator (same seed, same frame):

- 50 airlines in 5 regions (Europe, North America, Asia, Middle East, Latin America); in each, 6 full-service
  carriers and 4 budget ones (`airline_catalogue()`). Budget carriers sell Economy only. Each full-service
  carrier is known for one premium cabin: in each region two for Premium Economy, two for Business Class and two
  for First Class (the catalogue's `CABIN`; a budget carrier's is Economy).
- Each author has a nationality (14 countries, 2-3 per region) and a travel style: business travellers fly
  Business or First Class on most trips, leisure travellers mostly Economy. The cabin is drawn per trip, so one
  author flies several cabins; each author writes 2 reviews or more (7 on average), dated 2012 to mid-2015.
- Which airline a trip is on depends on nationality and cabin: 85% of trips are on a carrier of the author's
  home region (the rest spread evenly over the other regions), and 75% of the trips in a cabin are on the
  region's carriers known for it (budget ones in Economy); the rest of an Economy trip goes to a full-service
  carrier, the rest of a premium trip to one known for another premium cabin. So for (nationality, cabin) the
  favoured airlines are the home region's carriers known for that cabin (`planted_preferences()`: 4 in Economy,
  2 in each premium cabin), and 64% of the trips go to them: Europeans and Asians favour different carriers,
  and so do a traveller's Business and First Class trips.
- The overall rating (1 to 10) follows the same taste: 3, plus 3 on a home-region carrier, plus 2.5 on a
  carrier known for the cabin flown, plus noise (standard deviation 1.5), rounded: a favoured airline rates about
  8.5, a foreign one known for another cabin about 3. The sub-ratings (1 to 5) follow the overall rating; the
  texts are short templates.

Personalize needs at least 1,000 interactions and 25 users with 2 or more; the defaults give about 14,000
interactions of 2,000 users on 50 airlines.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .downloads import fetch_cached

CACHE = Path(__file__).resolve().parent.parent / "data" / "cache"
SKYTRAX_AIRLINES = "https://raw.githubusercontent.com/quankiquanki/skytrax-reviews-dataset/master/data/airline.csv"
TEXT_COLUMNS = [
    "airline_name", "link", "title", "author", "author_country", "date", "content", "aircraft", "type_traveller",
    "cabin_flown", "route",
]  # fmt: skip
RATING_COLUMNS = [
    "overall_rating", "seat_comfort_rating", "cabin_staff_rating", "food_beverages_rating",
    "inflight_entertainment_rating", "ground_service_rating", "wifi_connectivity_rating", "value_money_rating",
]  # fmt: skip
COLUMNS = [*TEXT_COLUMNS, *RATING_COLUMNS, "recommended"]  # airline.csv's columns, in its order
CABINS = ("Economy", "Premium Economy", "Business Class", "First Class")
EVENT_TYPE = "RATING"
ID_MAX_CHARS = 256  # Personalize's limit on USER_ID and ITEM_ID

# region: (nationalities, the carriers known for each of CABINS (Economy: the budget ones), airports)
REGIONS = {
    "Europe": (
        ("United Kingdom", "Germany", "France"),
        (("ryanair", "easyjet", "norwegian", "wizz-air"), ("klm-royal-dutch-airlines", "iberia"),
         ("british-airways", "swiss-international-air-lines"), ("lufthansa", "air-france")),
        ("LHR", "FRA", "CDG", "AMS", "ZRH", "MAD", "DUB", "OSL"),
    ),
    "North America": (
        ("United States", "Canada"),
        (("southwest-airlines", "jetblue-airways", "spirit-airlines", "frontier-airlines"),
         ("alaska-airlines", "hawaiian-airlines"), ("delta-air-lines", "air-canada"),
         ("american-airlines", "united-airlines")),
        ("JFK", "LAX", "ORD", "YYZ", "SFO", "SEA", "HNL"),
    ),
    "Asia": (
        ("Singapore", "Malaysia", "India"),
        (("airasia", "scoot", "indigo", "cebu-pacific"), ("malaysia-airlines", "air-india"),
         ("cathay-pacific-airways", "thai-airways"), ("singapore-airlines", "japan-airlines")),
        ("SIN", "KUL", "HKG", "BKK", "DEL", "NRT", "MNL"),
    ),
    "Middle East": (
        ("United Arab Emirates", "Qatar", "Saudi Arabia"),
        (("flydubai", "air-arabia", "jazeera-airways", "flynas"), ("gulf-air", "saudi-arabian-airlines"),
         ("qatar-airways", "oman-air"), ("emirates", "etihad-airways")),
        ("DXB", "DOH", "AUH", "BAH", "MCT", "RUH"),
    ),
    "Latin America": (
        ("Brazil", "Mexico", "Argentina"),
        (("gol-linhas-aereas", "azul-airlines", "volaris", "viva-aerobus"),
         ("aerolineas-argentinas", "tam-airlines"), ("copa-airlines", "aeromexico"), ("latam-airlines", "avianca")),
        ("GRU", "MEX", "EZE", "BOG", "PTY", "SCL"),
    ),
}  # fmt: skip
HOME_SHARE = 0.85  # trips on a carrier of the author's home region
CABIN_SHARE = 0.75  # trips in a cabin on a carrier known for it
CABIN_MIX = {  # per travel style: shares of trips in each of CABINS
    "business": (0.25, 0.15, 0.45, 0.15),
    "leisure": (0.70, 0.15, 0.12, 0.03),
}
BUSINESS_TRAVELLERS = 0.35
FIRST_NAMES = (
    "Adam", "Amira", "Bruno", "Carla", "Chen", "Daniel", "Elena", "Farid", "Grace", "Hana", "Ivan", "Jorge", "Kofi",
    "Laura", "Marco", "Nadia", "Oscar", "Priya", "Rafael", "Sofia", "Tomas", "Umar", "Valeria", "Wei", "Yusuf",
    "Zoe", "Helmut", "Ingrid", "Kenji", "Lucia",
)  # fmt: skip
SURNAMES = (
    "Smith", "Muller", "Dubois", "Rossi", "Garcia", "Silva", "Tan", "Wong", "Kumar", "Patel", "Haddad", "Khan",
    "Novak", "Jensen", "Brown", "Martin", "Lopez", "Sato", "Kim", "Nguyen", "Okafor", "Ivanov", "Costa", "Fischer",
    "Taylor", "Moreau", "Schmidt", "Rahman", "Ortiz", "Walsh", "Reyes", "Yamada", "Hughes", "Petrov", "Santos",
    "Kowalski", "Ahmed", "Chua", "Lim", "Fernandes", "Bauer", "Wilson", "Clarke", "Mendes", "Ali", "Ong", "Singh",
    "Becker", "Dupont", "Romero",
)  # fmt: skip
VERDICTS = (
    (8, "Friendly crew, a comfortable seat and an on-time arrival. I would gladly fly with them again."),
    (5, "An adequate flight: nothing went wrong, nothing stood out."),
    (1, "Delayed, cramped and indifferent service. I will avoid them next time."),
)


def load_airline_reviews(cache: Path = CACHE, timeout: float = 10.0) -> pd.DataFrame:
    """Skytrax's `airline.csv` as a frame with its own columns (`COLUMNS`), downloaded into `cache` the first time.

    Raises FileNotFoundError when the file is neither cached nor downloadable: `make_airline_reviews()` then gives
    synthetic reviews in the same format.
    """
    path = cache / "airline.csv"
    try:
        fetch_cached(SKYTRAX_AIRLINES, path, timeout)
    except OSError as exc:
        raise FileNotFoundError(
            f"The Skytrax airline reviews are not in {path} and could not be downloaded ({exc}). Either copy "
            f"airline.csv from {SKYTRAX_AIRLINES} to {path}, or use helpers.airline.make_airline_reviews() for "
            "synthetic reviews in the same format."
        ) from None
    dtypes = {**{c: "str" for c in TEXT_COLUMNS}, **{c: "float64" for c in RATING_COLUMNS}}
    header = pd.read_csv(path, nrows=0, encoding_errors="replace").columns
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValueError(f"{path} is not Skytrax's airline.csv (no {', '.join(missing)}): delete it and load again.")
    return pd.read_csv(path, dtype=dtypes, encoding_errors="replace")


def airline_catalogue() -> pd.DataFrame:
    """The synthetic reviews' airlines: ITEM_ID (Skytrax's slug style), NAME, REGION, SERVICE (full-service or
    budget) and CABIN, the cabin the carrier is known for (Economy for the budget ones)."""
    rows = [
        (slug, _name(slug), region, "budget" if cabin == CABINS[0] else "full-service", cabin)
        for region, (_, carriers, _) in REGIONS.items()
        for cabin, slugs in zip(CABINS, carriers)
        for slug in slugs
    ]
    return pd.DataFrame(rows, columns=["ITEM_ID", "NAME", "REGION", "SERVICE", "CABIN"])


def planted_preferences() -> pd.DataFrame:
    """The planted answer of `make_airline_reviews`: for each NATIONALITY and CABIN_TYPE, the favoured airlines
    (ITEM_ID, one row each): the home region's carriers known for that cabin."""
    rows = [
        (nationality, cabin, slug)
        for nationalities, carriers, _ in REGIONS.values()
        for nationality in nationalities
        for cabin, slugs in zip(CABINS, carriers)
        for slug in slugs
    ]
    return pd.DataFrame(rows, columns=["NATIONALITY", "CABIN_TYPE", "ITEM_ID"])


def make_airline_reviews(*, seed: int = 0, authors: int = 2000, reviews_per_author: float = 7.0) -> pd.DataFrame:
    """Synthetic reviews with Skytrax's columns and planted tastes (the module's docstring says which), about
    `authors * reviews_per_author` of them, each author with 2 or more; the same seed gives the same frame."""
    if authors < 1 or reviews_per_author < 2:
        raise ValueError("make_airline_reviews needs an author or more, and 2 reviews per author or more.")
    rng = np.random.default_rng(seed)
    catalogue = airline_catalogue()
    regions = list(REGIONS)

    # authors: a name, a nationality (region first, then a country in it), a travel style, a number of reviews
    author_names = _author_names(authors, rng)
    home = rng.integers(0, len(regions), authors)
    choices = [REGIONS[regions[r]][0] for r in home]
    country = np.array([c[int(u * len(c))] for c, u in zip(choices, rng.random(authors))], dtype=object)
    business = rng.random(authors) < BUSINESS_TRAVELLERS
    count = 2 + rng.poisson(reviews_per_author - 2, authors)

    # trips: each author's cabin per trip, then the region, then the airline
    who = np.repeat(np.arange(authors), count)
    n = len(who)
    mix = np.array([CABIN_MIX["business" if b else "leisure"] for b in business])[who]
    cabin = np.minimum((rng.random((n, 1)) > np.cumsum(mix, axis=1)).sum(axis=1), len(CABINS) - 1)
    at_home = rng.random(n) < HOME_SHARE
    abroad = (home[who] + rng.integers(1, len(regions), n)) % len(regions)
    region = np.where(at_home, home[who], abroad)
    known_for_cabin = rng.random(n) < CABIN_SHARE
    pick = rng.random(n)
    airline = np.empty(n, dtype=object)
    for r, name in enumerate(regions):
        carriers = REGIONS[name][1]
        for c in range(len(CABINS)):
            # otherwise: Economy on a full-service carrier; a premium cabin on one known for another premium cabin
            others = [slug for k, slugs in enumerate(carriers) if k not in (0, c) for slug in slugs]
            for kind, slugs in ((known_for_cabin, carriers[c]), (~known_for_cabin, others)):
                rows = (region == r) & (cabin == c) & kind
                airline[rows] = np.array(slugs, dtype=object)[(pick[rows] * len(slugs)).astype(int)]

    # ratings: home carrier +3, a carrier known for the cabin flown +2.5
    score = 3 + 3 * at_home + 2.5 * known_for_cabin + rng.normal(0, 1.5, n)
    overall = np.clip(np.round(score), 1, 10)
    stars = np.clip(np.round(overall[:, None] / 2 + rng.normal(0, 0.6, (n, 5))), 1, 5)
    days = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 1308, n), unit="D")

    airports = [REGIONS[name][2] for name in regions]
    size = np.array([len(a) for a in airports])[region]
    origin = (rng.random(n) * size).astype(int)
    destination = (origin + 1 + (rng.random(n) * (size - 1)).astype(int)) % size  # another airport of the region
    route = [f"{airports[r][a]} to {airports[r][b]}" for r, a, b in zip(region, origin, destination)]
    service = catalogue.set_index("ITEM_ID")["SERVICE"].to_dict()
    airline_names = catalogue.set_index("ITEM_ID")["NAME"].to_dict()
    aircraft = np.where(
        [service[a] == "budget" for a in airline],
        rng.choice(["A320", "Boeing 737-800", "A321neo"], n),
        rng.choice(["A330-300", "Boeing 777-300ER", "A380", "Boeing 787-9", "A350-900"], n),
    )
    leisure = rng.choice(["Solo Leisure", "Couple Leisure", "Family Leisure"], n)
    cabin_name = np.array(CABINS, dtype=object)[cabin]
    frame = pd.DataFrame(
        {
            "airline_name": airline,
            "link": [f"/airline-reviews/{a}" for a in airline],
            "title": [f"{airline_names[a]} customer review" for a in airline],
            "author": author_names[who],
            "author_country": country[who],
            "date": days.strftime("%Y-%m-%d"),
            "content": [f"{r} in {c}. {_verdict(o)}" for r, c, o in zip(route, cabin_name, overall)],
            "aircraft": aircraft,
            "type_traveller": np.where(business[who], "Business", leisure),
            "cabin_flown": cabin_name,
            "route": route,
            "overall_rating": overall,
            "seat_comfort_rating": stars[:, 0],
            "cabin_staff_rating": stars[:, 1],
            "food_beverages_rating": stars[:, 2],
            "inflight_entertainment_rating": stars[:, 3],
            "ground_service_rating": np.nan,
            "wifi_connectivity_rating": np.nan,
            "value_money_rating": stars[:, 4],
            "recommended": (overall >= 6).astype("int64"),
        }
    )
    return frame.astype({**{c: "str" for c in TEXT_COLUMNS}, **{c: "float64" for c in RATING_COLUMNS}})


def to_personalize(reviews: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Skytrax-format reviews (real or synthetic) as Personalize datasets: `interactions` (USER_ID, ITEM_ID,
    TIMESTAMP, EVENT_TYPE "RATING", EVENT_VALUE, CABIN_TYPE) and `users` (USER_ID, NATIONALITY).

    AWS's notebook, with its bugs fixed: author as user (spaces removed, as AWS did; here all whitespace, and cut
    to 256 characters), airline_name as item, date as TIMESTAMP (midnight UTC; AWS used the machine's time zone),
    cabin_flown as CABIN_TYPE, overall_rating as EVENT_VALUE, author_country as NATIONALITY. Rows missing any of
    these, or with a cabin outside Skytrax's four or an unreadable date, are dropped (AWS kept the ones without a
    country), as are exact duplicates. Users get one row each (AWS wrote one per review): the country their
    reviews name most often, the latest review breaking ties.
    """
    frame = pd.DataFrame(
        {
            "USER_ID": reviews["author"].astype("str").str.replace(r"\s+", "", regex=True).str[:ID_MAX_CHARS],
            "ITEM_ID": reviews["airline_name"].astype("str").str.strip().str[:ID_MAX_CHARS],
            "TIMESTAMP": _epoch_seconds(reviews["date"]),
            "EVENT_TYPE": EVENT_TYPE,
            "EVENT_VALUE": pd.to_numeric(reviews["overall_rating"], errors="coerce").astype("float64"),
            "CABIN_TYPE": reviews["cabin_flown"].astype("str").str.strip(),
            "NATIONALITY": reviews["author_country"].astype("str").str.strip(),
        }
    )
    present = reviews[["author", "airline_name", "date", "cabin_flown", "overall_rating", "author_country"]].notna()
    keep = (
        present.all(axis=1)
        & (frame["USER_ID"] != "")
        & (frame["ITEM_ID"] != "")
        & (frame["NATIONALITY"] != "")
        & frame["CABIN_TYPE"].isin(CABINS)
        & (frame["TIMESTAMP"] > 0)
    )
    frame = frame[keep.to_numpy()].astype({"TIMESTAMP": "int64"})
    frame = frame.drop_duplicates().sort_values(["TIMESTAMP", "USER_ID", "ITEM_ID"], kind="stable")
    users = (
        frame.groupby(["USER_ID", "NATIONALITY"], as_index=False)
        .agg(reviews=("TIMESTAMP", "size"), latest=("TIMESTAMP", "max"))
        .sort_values(["USER_ID", "reviews", "latest", "NATIONALITY"], ascending=[True, False, False, True])
        .drop_duplicates("USER_ID")[["USER_ID", "NATIONALITY"]]
    )
    interactions = frame[["USER_ID", "ITEM_ID", "TIMESTAMP", "EVENT_TYPE", "EVENT_VALUE", "CABIN_TYPE"]]
    return {"interactions": interactions.reset_index(drop=True), "users": users.reset_index(drop=True)}


def _epoch_seconds(dates: pd.Series) -> pd.Series:
    """Skytrax's YYYY-MM-DD dates as seconds since the epoch at midnight UTC; NaN where unreadable."""
    parsed = pd.to_datetime(dates, format="%Y-%m-%d", errors="coerce", utc=True)
    return (parsed - pd.Timestamp(0, tz="UTC")) // pd.Timedelta(seconds=1)


def _author_names(authors: int, rng: np.random.Generator) -> np.ndarray:
    """`authors` distinct "First Last" names (a number appended once the pairs run out)."""
    pairs = len(FIRST_NAMES) * len(SURNAMES)
    order = rng.permutation(pairs)
    names = []
    for i in range(authors):
        first, last = divmod(int(order[i % pairs]), len(SURNAMES))
        suffix = f" {i // pairs + 1}" if i >= pairs else ""
        names.append(f"{FIRST_NAMES[first]} {SURNAMES[last]}{suffix}")
    return np.array(names, dtype=object)


def _name(slug: str) -> str:
    upper = {"klm", "tam", "latam"}
    return " ".join(word.upper() if word in upper else word.capitalize() for word in slug.split("-"))


def _verdict(overall: float) -> str:
    return next(text for floor, text in VERDICTS if overall >= floor)
