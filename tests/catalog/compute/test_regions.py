"""Region formats per provider, geography words and place names (catalog/compute/regions.py).

Expected locations come from each cloud's published region list (AWS Regions and Zones, Google
"Geography and regions", Azure physicalLocation, IBM's region list, Lambda's API descriptions)
and from the catalog formats in ../shared/data/compute/README.md §5 quirk 8.
"""

from __future__ import annotations

import csv
import difflib
import json
import os
from pathlib import Path

import pytest

from stack8s_architect.catalog.compute.regions import (
    GEOGRAPHIES,
    GEOGRAPHY_ALIASES,
    RegionLocation,
    countries_for_geography,
    country_for_place,
    geography_names,
    locate_region,
)

DATA_DIR = (
    Path(
        os.environ.get("ARCHITECT_DATA_MIRROR")
        or Path(__file__).resolve().parents[3].parent / "shared" / "data"
    )
    / "compute"
)
UNKNOWN = RegionLocation(None, "unknown")


def at(country: str | None, geography: str, city: str | None = None) -> RegionLocation:
    return RegionLocation(country, geography, city)


LOCATE_CASES = [
    # aws: region table
    ("aws", "us-east-1", None, at("US", "us", "N. Virginia")),
    ("aws", "eu-central-1", None, at("DE", "europe", "Frankfurt")),
    ("aws", "us-gov-west-1", None, at("US", "us")),  # GovCloud: US, no public city
    ("aws", "ap-southeast-7", None, at("TH", "asia")),  # current region absent from the data
    # aws: Local Zones whose metro lies in another country than the parent region
    ("aws", "us-east-1-lim-1", None, at("PE", "latin-america", "Lima")),
    ("aws", "us-east-1-qro-1", None, at("MX", "latin-america", "Querétaro")),
    ("aws", "us-east-1-scl-1", None, at("CL", "latin-america", "Santiago")),
    ("aws", "us-east-1-bue-1", None, at("AR", "latin-america", "Buenos Aires")),
    ("aws", "af-south-1-los-1", None, at("NG", "africa", "Lagos")),
    ("aws", "ap-northeast-1-tpe-1", None, at("TW", "asia", "Taipei")),
    ("aws", "ap-southeast-1-bkk-1", None, at("TH", "asia", "Bangkok")),
    ("aws", "ap-southeast-1-mnl-1", None, at("PH", "asia", "Manila")),
    ("aws", "ap-southeast-2-akl-1", None, at("NZ", "oceania", "Auckland")),
    ("aws", "eu-central-1-waw-1", None, at("PL", "europe", "Warsaw")),
    ("aws", "eu-north-1-cph-1", None, at("DK", "europe", "Copenhagen")),
    ("aws", "eu-north-1-hel-1", None, at("FI", "europe", "Helsinki")),
    ("aws", "me-south-1-mct-1", None, at("OM", "middle-east", "Muscat")),
    # aws: Local Zone and Wavelength Zone in the parent's country
    ("aws", "us-west-2-hnl-1", None, at("US", "us", "Honolulu")),
    ("aws", "eu-central-1-wl1-muc1", None, at("DE", "europe", "Munich")),
    ("aws", "eu-west-2-wl2-man1", None, at("GB", "europe", "Manchester")),
    ("aws", "us-east-1-wl1", None, at("US", "us")),  # bare Wavelength id: parent country only
    # aws: Orange's Wavelength Zones under Paris are in Morocco and Senegal
    ("aws", "eu-west-3-wl1-cmn1", None, at("MA", "africa", "Casablanca")),
    ("aws", "eu-west-3-wl1-dss1", None, at("SN", "africa", "Dakar")),
    ("aws", "us-east-1-zzz-1", None, at("US", "us")),  # unknown metro: parent's country
    ("aws", "eu-west-9", None, at(None, "europe")),  # future region: the prefix still says europe
    # gcp
    ("gcp", "europe-west3", None, at("DE", "europe", "Frankfurt")),
    ("gcp", "us-central1", None, at("US", "us", "Council Bluffs, Iowa")),
    ("gcp", "us-central1-a", None, at("US", "us", "Council Bluffs, Iowa")),  # a zone id
    ("gcp", "us-central2", None, at("US", "us", "Oklahoma")),  # private TPU region
    ("gcp", "asia-southeast3", None, at("TH", "asia", "Bangkok")),
    ("gcp", "northamerica-south1", None, at("MX", "latin-america", "Querétaro")),
    ("gcp", "me-west1", None, at("IL", "middle-east", "Tel Aviv")),
    # azure
    ("azure", "germanywestcentral", None, at("DE", "europe", "Frankfurt")),
    ("azure", "Germany West Central", None, at("DE", "europe", "Frankfurt")),  # display name
    ("azure", "northeurope", None, at("IE", "europe", "Dublin")),
    ("azure", "westeurope", None, at("NL", "europe", "Amsterdam")),
    ("azure", "mexicocentral", None, at("MX", "latin-america", "Querétaro")),
    ("azure", "jioindiawest", None, at("IN", "asia", "Jamnagar")),
    # lambda, ibm, nebius, mithril, yotta: region ids
    ("lambda", "me-west-1", None, at("IL", "middle-east")),
    ("lambda", "us-midwest-1", None, at("US", "us", "Illinois")),
    ("lambda", "us-southeast-1", None, at("US", "us")),  # not in the table: prefix
    ("ibm", "eu-de", None, at("DE", "europe", "Frankfurt")),
    ("ibm", "us-east", None, at("US", "us", "Washington DC")),
    ("nebius", "eu-north1", None, at("FI", "europe")),
    ("nebius", "me-west1", None, at(None, "middle-east")),  # country not documented: no guess
    ("mithril", "us-central2-a", None, at("US", "us")),
    ("yotta", "us-east-2", None, at("US", "us")),
    # runpod, lium: ISO codes (and newer RunPod ids)
    ("runpod", "CZ", None, at("CZ", "europe")),
    ("runpod", "EU-RO-1", None, at("RO", "europe")),
    ("runpod", "US-OR-1", None, at("US", "us")),
    ("runpod", "CA-MTL-1", None, at("CA", "canada")),
    ("lium", "HK", None, at("HK", "asia")),
    # cudo cc-city-N, seeweb cc-cityN
    ("cudo", "no-kristiansand-1", None, at("NO", "europe", "Kristiansand")),
    ("cudo", "us-newyork-1", None, at("US", "us", "New York")),
    ("seeweb", "it-mi2", None, at("IT", "europe", "Milan")),
    ("seeweb", "ch-lug1", None, at("CH", "europe", "Lugano")),
    ("seeweb", "", None, UNKNOWN),  # CPU rows with an empty region
    # shadeform city-country-N
    ("shadeform", "kansascity-usa-6", None, at("US", "us", "Kansas City")),
    ("shadeform", "warsaw-poland-1", None, at("PL", "europe", "Warsaw")),
    ("shadeform", "bangalore-india-1", None, at("IN", "asia", "Bangalore")),
    # vast "State, CC, CONT"
    ("vast", "Oregon, US, NA", None, at("US", "us", "Oregon")),
    ("vast", ", CA, NA", None, at("CA", "canada")),  # empty state
    ("vast", "Germany, DE, EU", None, at("DE", "europe")),  # state only repeats the country
    ("vast", "Georgia, US, NA", None, at("US", "us", "Georgia")),  # the US state, not GE
    ("vast", "Sverdlovsk Oblast, RU, EU", None, at("RU", "europe", "Sverdlovsk Oblast")),
    ("vast", "Somewhere, ZZ, EU", None, at(None, "europe")),  # bad code: continent still says
    # hyperstack, fluidstack: country names; verda FIN-0N; jarvislabs IN1
    ("hyperstack", "CANADA-1", None, at("CA", "canada")),
    ("hyperstack", "NORWAY-1", None, at("NO", "europe")),
    ("hyperstack", "US-1", None, at("US", "us")),
    ("fluidstack", "FINLAND", None, at("FI", "europe")),
    ("verda", "FIN-02", None, at("FI", "europe")),
    ("jarvislabs", "IN2", None, at("IN", "asia")),
    ("hyperbolic", "default", None, UNKNOWN),  # says nothing about where: no guess
    # primeintellect: the country is Region; a metro-code zone adds the city
    ("primeintellect", "US", "NYC", at("US", "us", "New York")),
    ("primeintellect", "DE", "FRA2", at("DE", "europe", "Frankfurt")),
    ("primeintellect", "CL", "SAN3", at("CL", "latin-america", "Santiago")),
    ("primeintellect", "IS", "me-west-1", at("IS", "europe")),  # Region wins over the zone
    ("primeintellect", "US", "a3111bd4-550a-47d0-838a-0a52bff2ae3f", at("US", "us")),
    # providers and inputs nobody knows
    ("oracle", "us-ashburn-1", None, UNKNOWN),
    ("AWS", " eu-central-1 ", None, at("DE", "europe", "Frankfurt")),  # case and spaces
]


@pytest.mark.parametrize(("provider", "region", "zone", "expected"), LOCATE_CASES)
def test_locate_region_reads_every_provider_format(provider, region, zone, expected):
    assert locate_region(provider, region, zone) == expected


@pytest.mark.parametrize(
    ("provider", "region", "zone"),
    [
        ("aws", None, None),
        (None, "us-east-1", None),
        ("aws", 42, None),
        ("gcp", "   ", None),
        ("vast", "a,b", None),
        ("vast", ",,,,", None),
        ("shadeform", "---", None),
        ("primeintellect", "|", "|"),
        ("primeintellect", "US", 3.5),
        ("cudo", "xx-yy-1", None),
        ("runpod", "-", None),
        ("jarvislabs", "123", None),
        ("verda", "-", None),
        ("hyperstack", "ATLANTIS-1", None),
    ],
)
def test_locate_region_never_raises_on_garbage(provider, region, zone):
    location = locate_region(provider, region, zone)
    assert location.geography in GEOGRAPHIES
    assert location.country is None or location.country == "US"


@pytest.mark.parametrize(
    ("provider", "region"),
    [("aws", "eu-central-1"), ("gcp", "europe-west3"), ("azure", "germanywestcentral"),
     ("ibm", "eu-de"), ("primeintellect", "DE")],
)
def test_a_search_for_frankfurt_can_match_region_cities(provider, region):
    location = locate_region(provider, region, "FRA")
    assert location.city == "Frankfurt"
    assert country_for_place("Frankfurt") == location.country


# --- geography words ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "alias"),
    [
        ("Europe", "europe"),
        ("european union", "eu"),
        ("European_Union", "eu"),
        ("EU", "eu"),
        ("United States", "us"),
        ("usa", "us"),
        ("the U.S.", "us"),
        ("latin_america", "latin-america"),
        ("Latin America", "latin-america"),
        ("Middle East", "middle-east"),
        ("APAC", "apac"),
        ("asia pacific", "apac"),
        ("Great Britain", "uk"),
        ("north america", "north-america"),
        ("Nordics", "nordics"),
        ("DACH", "dach"),
    ],
)
def test_geography_words_ignore_case_spaces_and_underscores(word, alias):
    assert countries_for_geography(word) == GEOGRAPHY_ALIASES[alias]


@pytest.mark.parametrize(
    ("word", "includes", "excludes"),
    [
        ("eu", {"DE", "FR", "IE", "PL", "CY"}, {"CH", "GB", "NO", "IS"}),  # GDPR "EU only"
        ("eea", {"NO", "IS", "LI", "DE"}, {"CH", "GB"}),
        ("europe", {"GB", "CH", "NO", "DE", "TR"}, {"IL", "US"}),
        ("uk", {"GB"}, {"IE"}),
        ("us", {"US"}, {"CA", "MX"}),
        ("north-america", {"US", "CA", "MX"}, {"BR", "GT"}),
        ("latin-america", {"MX", "BR", "CL", "GT"}, {"US", "ES"}),
        ("south-america", {"BR", "AR", "CL"}, {"MX", "PA"}),
        ("middle-east", {"AE", "IL", "SA", "QA"}, {"EG", "TR"}),
        ("africa", {"ZA", "NG", "EG", "MA"}, {"AE"}),
        ("asia", {"JP", "SG", "IN", "HK", "TW"}, {"AU", "AE"}),
        ("oceania", {"AU", "NZ"}, {"SG"}),
        ("apac", {"JP", "AU", "SG", "IN", "NZ"}, {"AE", "US"}),
        ("emea", {"DE", "AE", "ZA", "GB"}, {"JP", "US"}),
        ("nordics", {"DK", "FI", "IS", "NO", "SE"}, {"DE", "EE"}),
        ("dach", {"DE", "AT", "CH"}, {"LI", "NL"}),
    ],
)
def test_geography_words_cover_the_expected_countries(word, includes, excludes):
    countries = countries_for_geography(word)
    assert includes <= countries
    assert not excludes & countries


def test_eu_and_eea_have_their_member_counts():
    assert len(countries_for_geography("eu")) == 27
    assert countries_for_geography("eea") == countries_for_geography("eu") | {"IS", "LI", "NO"}
    assert countries_for_geography("nordics") == {"DK", "FI", "IS", "NO", "SE"}
    assert countries_for_geography("dach") == {"AT", "CH", "DE"}


def test_each_country_sits_in_exactly_one_geography():
    buckets = [GEOGRAPHY_ALIASES[geography] for geography in GEOGRAPHIES if geography != "unknown"]
    every_country = frozenset().union(*buckets)
    assert sum(len(bucket) for bucket in buckets) == len(every_country)
    for word, countries in GEOGRAPHY_ALIASES.items():
        assert countries <= every_country, word
        assert all(len(code) == 2 and code.isupper() for code in countries), word


@pytest.mark.parametrize("word", ["atlantis", "", "   ", "eu only", "mars", None])
def test_unknown_geography_words_give_none(word):
    assert countries_for_geography(word) is None


def test_geography_names_feed_did_you_mean():
    names = geography_names()
    assert names == sorted(names)
    assert set(GEOGRAPHY_ALIASES) <= set(names)
    assert "unknown" not in names
    assert difflib.get_close_matches("eurpoe", names, n=1) == ["europe"]
    assert all(countries_for_geography(name) for name in names)


# --- places ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "country"),
    [
        ("Frankfurt", "DE"), ("Paris", "FR"), ("Tokyo", "JP"), ("Virginia", "US"),
        ("London", "GB"), ("Amsterdam", "NL"), ("Singapore", "SG"), ("Sydney", "AU"),
        ("Mumbai", "IN"), ("São Paulo", "BR"), ("Sao Paulo", "BR"), ("Montreal", "CA"),
        ("Helsinki", "FI"), ("Stockholm", "SE"), ("Oregon", "US"), ("Iowa", "US"),
        ("Dublin", "IE"), ("Zurich", "CH"), ("Zürich", "CH"), ("Milan", "IT"), ("Madrid", "ES"),
        ("Warsaw", "PL"), ("Seoul", "KR"), ("Osaka", "JP"), ("Hong Kong", "HK"),
        ("Taiwan", "TW"), ("Tel Aviv", "IL"), ("Dubai", "AE"), ("Johannesburg", "ZA"),
        ("new york", "US"), ("N. Virginia", "US"), ("Germany", "DE"), ("Deutschland", "DE"),
        ("The Netherlands", "NL"), ("United States", "US"), ("usa", "US"),
        ("de", "DE"),  # ISO codes
        ("UK", "GB"),  # not ISO, but what users type
        ("Georgia", "GE"),  # country names win over the US state
    ],
)
def test_country_for_place(word, country):
    assert country_for_place(word) == country


@pytest.mark.parametrize("word", ["Atlantis", "", "Gotham", "xx", None])
def test_unknown_places_give_none(word):
    assert country_for_place(word) is None


# --- the real catalogs --------------------------------------------------------------------------

# Regions the catalogs leave without a location: hyperbolic's only region is "default" and 72
# seeweb CPU rows have an empty Region. locate_region must not guess either.
DELIBERATELY_UNKNOWN = {("hyperbolic", "default"), ("seeweb", "")}
# Continent known from the id, country not documented (see _NEBIUS_REGIONS).
COUNTRY_UNDOCUMENTED = {("nebius", "me-west1")}
# vast's state "Georgia" is the US state; as a place word "Georgia" means the country.
CITY_NAMES_ANOTHER_COUNTRY = {("vast", "Georgia, US, NA")}


def catalog_regions(compute_dir: Path) -> set[tuple[str, str, str | None]]:
    """(provider, region, zone) for every vms.csv row and every AWS GPU price region."""
    regions = set()
    for vms in compute_dir.rglob("vms.csv"):
        with vms.open(newline="", encoding="utf-8") as rows:
            for row in csv.DictReader(rows):
                regions.add((vms.parent.name, row["Region"], row.get("AvailabilityZone")))
    aws = json.loads((compute_dir / "aws-gpu-vantage" / "all_gpu_instances.json").read_text())
    regions |= {("aws", region, None) for instance in aws for region in instance["pricing"]}
    return regions


@pytest.fixture(scope="module")
def located_catalog_regions():
    if not DATA_DIR.is_dir():
        pytest.skip(f"catalog data not found at {DATA_DIR}; set ARCHITECT_DATA_MIRROR to it")
    return {
        (provider, region): locate_region(provider, region, zone)
        for provider, region, zone in catalog_regions(DATA_DIR)
    }


@pytest.mark.integration
def test_every_catalog_region_resolves_except_the_listed_ones(located_catalog_regions):
    providers = {provider for provider, _ in located_catalog_regions}
    assert {"aws", "gcp", "azure", "vast", "primeintellect", "shadeform"} <= providers
    unknown = {key for key, location in located_catalog_regions.items() if location == UNKNOWN}
    no_country = {key for key, location in located_catalog_regions.items() if not location.country}
    assert unknown == DELIBERATELY_UNKNOWN
    assert no_country == DELIBERATELY_UNKNOWN | COUNTRY_UNDOCUMENTED


@pytest.mark.integration
def test_catalog_region_cities_name_places_in_the_same_country(located_catalog_regions):
    mismatched = {
        key
        for key, location in located_catalog_regions.items()
        if location.city and country_for_place(location.city) not in (None, location.country)
    }
    assert mismatched == CITY_NAMES_ANOTHER_COUNTRY
