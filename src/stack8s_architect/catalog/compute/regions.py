"""Where a catalog region is: ISO country, continent-level geography and, when the name implies
one, a city; plus the geography and place words users type ("EU", "apac", "Frankfurt").

Every provider names regions its own way (data README §5 quirk 8): cloud region ids (aws, gcp,
azure, lambda, ibm, nebius, mithril, yotta), ISO codes (runpod, lium), `cc-city-N` (cudo),
`cc-cityN` (seeweb), `city-country-N` (shadeform), `"State, CC, CONT"` (vast), `COUNTRY-N`
(hyperstack, fluidstack), `FIN-0N` (verda), `IN1` (jarvislabs) and a country plus an upstream
zone (primeintellect). Locations come from each cloud's published region list (AWS region and
Local/Wavelength Zone names, Google "Geography and regions", Azure `physicalLocation`, IBM's
region list, Lambda's API descriptions). Standard library only, no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType

GEOGRAPHIES = (
    "us", "canada", "latin-america", "europe", "middle-east", "africa", "asia", "oceania",
    "unknown",
)


@dataclass(frozen=True)
class RegionLocation:
    """Where one catalog region is.

    `country` is ISO 3166-1 alpha-2 in upper case, or None when the name gives only a continent
    (`eu-north2`). `geography` is one of GEOGRAPHIES. `city` is the metro, state or site the
    name implies ("Frankfurt", "N. Virginia", "Council Bluffs, Iowa"), else None.
    """

    country: str | None
    geography: str
    city: str | None = None


UNKNOWN = RegionLocation(None, "unknown")

# ---------------------------------------------------------------------------------------------
# Countries. Transcontinental calls: Russia, Turkey and the Caucasus count as europe (where their
# data centres are and how clouds file them); Egypt as africa; US territories as us.
_EU_MEMBERS = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
_SOUTH_AMERICA = "AR BO BR CL CO EC FK GF GY PE PY SR UY VE"
_COUNTRIES_BY_GEOGRAPHY = {
    "us": "US AS GU MP PR UM VI",
    "canada": "CA",
    "latin-america": "MX BZ CR GT HN NI PA SV AG AI AW BB BL BM BQ BS CU CW DM DO GD GP HT JM KN"
    f" KY LC MF MQ MS SX TC TT VC VG {_SOUTH_AMERICA}",
    "europe": f"{_EU_MEMBERS} AD AL AM AX AZ BA BY CH FO GB GE GG GI GL IM IS JE LI MC MD ME MK"
    " NO RS RU SJ SM TR UA VA",
    "middle-east": "AE BH IL IQ IR JO KW LB OM PS QA SA SY YE",
    "africa": "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY"
    " MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW",
    "asia": "AF BD BN BT CN HK ID IN IO JP KG KH KP KR KZ LA LK MM MN MO MV MY NP PH PK SG TH TJ"
    " TL TM TW UZ VN",
    "oceania": "AU CK FJ FM KI MH NC NF NR NU NZ PF PG PN PW SB TK TO TV VU WF WS",
}
_GEOGRAPHY_BY_COUNTRY = {
    code: geography
    for geography, codes in _COUNTRIES_BY_GEOGRAPHY.items()
    for code in codes.split()
}

# "Georgia" is the country (GE) here, never the US state: ambiguous words resolve to countries.
_COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "US": ("United States", "United States of America", "USA", "U.S."), "CA": ("Canada",),
    "MX": ("Mexico",), "BR": ("Brazil",), "AR": ("Argentina",), "CL": ("Chile",),
    "CO": ("Colombia",), "PE": ("Peru",), "UY": ("Uruguay",), "EC": ("Ecuador",),
    "PA": ("Panama",), "CR": ("Costa Rica",), "PR": ("Puerto Rico",), "VE": ("Venezuela",),
    "GB": ("United Kingdom", "UK", "Great Britain", "Britain", "England", "Scotland", "Wales"),
    "IE": ("Ireland",), "FR": ("France",), "DE": ("Germany", "Deutschland"),
    "NL": ("Netherlands", "The Netherlands", "Holland"), "BE": ("Belgium",),
    "LU": ("Luxembourg",), "CH": ("Switzerland",), "AT": ("Austria",), "IT": ("Italy",),
    "ES": ("Spain",), "PT": ("Portugal",), "SE": ("Sweden",), "NO": ("Norway",),
    "DK": ("Denmark",), "FI": ("Finland",), "IS": ("Iceland",), "PL": ("Poland",),
    "CZ": ("Czechia", "Czech Republic"), "SK": ("Slovakia",), "HU": ("Hungary",),
    "RO": ("Romania",), "BG": ("Bulgaria",), "GR": ("Greece",), "HR": ("Croatia",),
    "SI": ("Slovenia",), "EE": ("Estonia",), "LV": ("Latvia",), "LT": ("Lithuania",),
    "CY": ("Cyprus",), "MT": ("Malta",), "LI": ("Liechtenstein",), "UA": ("Ukraine",),
    "RS": ("Serbia",), "RU": ("Russia", "Russian Federation"), "MD": ("Moldova",),
    "TR": ("Turkey", "Türkiye"), "GE": ("Georgia",), "AM": ("Armenia",), "MC": ("Monaco",),
    "AE": ("United Arab Emirates", "UAE"), "SA": ("Saudi Arabia", "KSA"), "QA": ("Qatar",),
    "BH": ("Bahrain",), "IL": ("Israel",), "OM": ("Oman",), "KW": ("Kuwait",),
    "JO": ("Jordan",), "ZA": ("South Africa",), "NG": ("Nigeria",), "KE": ("Kenya",),
    "EG": ("Egypt",), "MA": ("Morocco",), "SN": ("Senegal",), "GH": ("Ghana",),
    "JP": ("Japan",), "KR": ("South Korea", "Korea", "Republic of Korea"), "CN": ("China",),
    "HK": ("Hong Kong",), "MO": ("Macau", "Macao"), "TW": ("Taiwan",), "IN": ("India",),
    "SG": ("Singapore",), "MY": ("Malaysia",), "ID": ("Indonesia",), "TH": ("Thailand",),
    "VN": ("Vietnam",), "PH": ("Philippines",), "PK": ("Pakistan",),
    "BD": ("Bangladesh",), "LK": ("Sri Lanka",), "KZ": ("Kazakhstan",),
    "AU": ("Australia",), "NZ": ("New Zealand",),
}

# Data-centre metros and the states or provinces users name them by.
_PLACES: dict[str, tuple[str, ...]] = {
    "US": (
        "Virginia", "N. Virginia", "Northern Virginia", "Ashburn", "Dulles", "Culpeper",
        "Washington", "Washington DC", "Oregon", "The Dalles", "Portland", "Iowa",
        "Council Bluffs", "Des Moines", "Ohio", "Columbus", "Texas", "Dallas", "Houston", "Austin",
        "San Antonio", "California", "N. California", "Silicon Valley", "San Jose", "Santa Clara",
        "San Francisco", "Los Angeles", "Carlsbad", "Arizona", "Phoenix", "Utah", "Salt Lake City",
        "Nevada", "Las Vegas", "Reno", "Illinois", "Chicago", "New York", "New Jersey", "Seattle",
        "Atlanta", "Florida", "Miami", "Tampa", "Boston", "Philadelphia", "Colorado", "Denver",
        "Minneapolis", "Kansas City", "Wichita", "Omaha", "Michigan", "Detroit", "Nashville",
        "North Carolina", "Charlotte", "South Carolina", "Moncks Corner", "Maryland", "Beltsville",
        "Montana", "Wyoming", "Casper", "Cheyenne", "Oklahoma", "Hawaii", "Honolulu",
    ),
    "CA": ("Montréal", "Quebec", "Quebec City", "Toronto", "Ontario", "Calgary", "Alberta",
           "Vancouver", "British Columbia"),
    "MX": ("Querétaro", "Mexico City"), "BR": ("São Paulo", "Osasco", "Rio de Janeiro"),
    "CL": ("Santiago",), "PE": ("Lima",), "AR": ("Buenos Aires",), "CO": ("Bogotá",),
    "GB": ("London", "Manchester", "Cardiff", "Slough"), "IE": ("Dublin",),
    "FR": ("Paris", "Marseille"), "DE": ("Frankfurt", "Berlin", "Munich", "Hamburg", "Dortmund",
                                          "Düsseldorf", "Brandenburg"),
    "NL": ("Amsterdam", "Eemshaven"), "BE": ("Brussels", "St. Ghislain"),
    "CH": ("Zurich", "Geneva", "Lugano"), "IT": ("Milan", "Turin", "Rome", "Frosinone"),
    "ES": ("Madrid", "Aragón", "Zaragoza", "Barcelona"), "PT": ("Lisbon",), "AT": ("Vienna",),
    "PL": ("Warsaw",), "CZ": ("Prague",), "RO": ("Bucharest",), "BG": ("Sofia",),
    "GR": ("Athens",), "HU": ("Budapest",), "SE": ("Stockholm", "Gävle", "Malmö"),
    "NO": ("Oslo", "Stavanger", "Kristiansand"), "DK": ("Copenhagen",),
    "FI": ("Helsinki", "Hamina"), "IS": ("Reykjavik", "Keflavik"), "EE": ("Tallinn",),
    "UA": ("Kyiv",), "TR": ("Istanbul",), "RU": ("Moscow", "Saint Petersburg"),
    "IL": ("Tel Aviv", "Jerusalem"), "AE": ("Dubai", "Abu Dhabi"), "QA": ("Doha",),
    "SA": ("Dammam", "Riyadh", "Jeddah"), "BH": ("Manama",), "OM": ("Muscat",),
    "ZA": ("Johannesburg", "Cape Town"), "NG": ("Lagos",), "KE": ("Nairobi",),
    "MA": ("Casablanca",), "SN": ("Dakar",), "EG": ("Cairo",),
    "JP": ("Tokyo", "Osaka", "Saitama"), "KR": ("Seoul", "Busan", "Daejeon"),
    "CN": ("Beijing", "Shanghai", "Ningxia", "Sichuan"), "TW": ("Taipei", "Changhua County"),
    "IN": ("Mumbai", "Delhi", "New Delhi", "Hyderabad", "Chennai", "Pune", "Bangalore",
           "Bengaluru", "Kolkata", "Nagpur", "Jamnagar"),
    "ID": ("Jakarta",), "MY": ("Kuala Lumpur",), "TH": ("Bangkok",), "PH": ("Manila",),
    "VN": ("Hanoi", "Ho Chi Minh City"),
    "AU": ("Sydney", "Melbourne", "Canberra", "Perth", "New South Wales"), "NZ": ("Auckland",),
}

# Three-letter metro codes in AWS Local/Wavelength Zone ids and primeintellect zones (IATA city or
# airport codes, plus primeintellect's own `mon`, `san`, `bgt`, `sgp`, `tyo`, `dal`). `san` is
# Santiago there (`CL|SAN3`), not San Diego.
_METROS: dict[str, tuple[str, str]] = {
    "atl": ("US", "Atlanta"), "bos": ("US", "Boston"), "chi": ("US", "Chicago"),
    "dfw": ("US", "Dallas"), "dal": ("US", "Dallas"), "iah": ("US", "Houston"),
    "mci": ("US", "Kansas City"), "mia": ("US", "Miami"), "msp": ("US", "Minneapolis"),
    "nyc": ("US", "New York"), "phl": ("US", "Philadelphia"), "den": ("US", "Denver"),
    "hnl": ("US", "Honolulu"), "las": ("US", "Las Vegas"), "lax": ("US", "Los Angeles"),
    "pdx": ("US", "Portland"), "phx": ("US", "Phoenix"), "sea": ("US", "Seattle"),
    "bna": ("US", "Nashville"), "clt": ("US", "Charlotte"), "dtw": ("US", "Detroit"),
    "tpa": ("US", "Tampa"), "was": ("US", "Washington DC"), "yto": ("CA", "Toronto"),
    "mon": ("CA", "Montréal"), "qro": ("MX", "Querétaro"), "mex": ("MX", "Mexico City"),
    "lim": ("PE", "Lima"), "scl": ("CL", "Santiago"), "san": ("CL", "Santiago"),
    "bue": ("AR", "Buenos Aires"), "sao": ("BR", "São Paulo"), "bgt": ("CO", "Bogotá"),
    "lon": ("GB", "London"), "man": ("GB", "Manchester"), "fra": ("DE", "Frankfurt"),
    "ber": ("DE", "Berlin"), "muc": ("DE", "Munich"), "ham": ("DE", "Hamburg"),
    "dtm": ("DE", "Dortmund"), "waw": ("PL", "Warsaw"), "cph": ("DK", "Copenhagen"),
    "hel": ("FI", "Helsinki"), "ist": ("TR", "Istanbul"), "mct": ("OM", "Muscat"),
    "los": ("NG", "Lagos"), "cmn": ("MA", "Casablanca"), "dss": ("SN", "Dakar"),
    "nrt": ("JP", "Tokyo"), "tyo": ("JP", "Tokyo"), "kix": ("JP", "Osaka"),
    "sel": ("KR", "Seoul"), "cjj": ("KR", "Daejeon"), "tpe": ("TW", "Taipei"),
    "del": ("IN", "Delhi"), "ccu": ("IN", "Kolkata"), "bkk": ("TH", "Bangkok"),
    "mnl": ("PH", "Manila"), "han": ("VN", "Hanoi"), "sgp": ("SG", "Singapore"),
    "syd": ("AU", "Sydney"), "per": ("AU", "Perth"), "akl": ("NZ", "Auckland"),
}

# ---------------------------------------------------------------------------------------------
# Cloud region ids -> (ISO country, city or None). City is None where the cloud names only a
# country ("Middle East (UAE)") or a sovereign partition.
_AWS_REGIONS: dict[str, tuple[str, str | None]] = {
    "us-east-1": ("US", "N. Virginia"), "us-east-2": ("US", "Ohio"),
    "us-west-1": ("US", "N. California"), "us-west-2": ("US", "Oregon"),
    "us-gov-east-1": ("US", None), "us-gov-west-1": ("US", None),
    "ca-central-1": ("CA", "Montréal"), "ca-west-1": ("CA", "Calgary"),
    "mx-central-1": ("MX", None), "sa-east-1": ("BR", "São Paulo"),
    "eu-central-1": ("DE", "Frankfurt"), "eu-central-2": ("CH", "Zurich"),
    "eu-north-1": ("SE", "Stockholm"), "eu-south-1": ("IT", "Milan"), "eu-south-2": ("ES", None),
    "eu-west-1": ("IE", "Dublin"), "eu-west-2": ("GB", "London"), "eu-west-3": ("FR", "Paris"),
    "eusc-de-east-1": ("DE", "Brandenburg"), "il-central-1": ("IL", "Tel Aviv"),
    "me-central-1": ("AE", None), "me-south-1": ("BH", None), "af-south-1": ("ZA", "Cape Town"),
    "ap-east-1": ("HK", "Hong Kong"), "ap-east-2": ("TW", "Taipei"),
    "ap-northeast-1": ("JP", "Tokyo"), "ap-northeast-2": ("KR", "Seoul"),
    "ap-northeast-3": ("JP", "Osaka"), "ap-south-1": ("IN", "Mumbai"),
    "ap-south-2": ("IN", "Hyderabad"), "ap-southeast-1": ("SG", "Singapore"),
    "ap-southeast-2": ("AU", "Sydney"), "ap-southeast-3": ("ID", "Jakarta"),
    "ap-southeast-4": ("AU", "Melbourne"), "ap-southeast-5": ("MY", None),
    "ap-southeast-6": ("NZ", None), "ap-southeast-7": ("TH", None),
    "cn-north-1": ("CN", "Beijing"), "cn-northwest-1": ("CN", "Ningxia"),
}

_GCP_REGIONS: dict[str, tuple[str, str | None]] = {
    "us-central1": ("US", "Council Bluffs, Iowa"), "us-central2": ("US", "Oklahoma"),
    "us-east1": ("US", "Moncks Corner, South Carolina"), "us-east4": ("US", "Ashburn, Virginia"),
    "us-east5": ("US", "Columbus, Ohio"), "us-south1": ("US", "Dallas, Texas"),
    "us-west1": ("US", "The Dalles, Oregon"), "us-west2": ("US", "Los Angeles, California"),
    "us-west3": ("US", "Salt Lake City, Utah"), "us-west4": ("US", "Las Vegas, Nevada"),
    "northamerica-northeast1": ("CA", "Montréal"), "northamerica-northeast2": ("CA", "Toronto"),
    "northamerica-south1": ("MX", "Querétaro"), "southamerica-east1": ("BR", "São Paulo"),
    "southamerica-west1": ("CL", "Santiago"), "europe-west1": ("BE", "St. Ghislain"),
    "europe-west2": ("GB", "London"), "europe-west3": ("DE", "Frankfurt"),
    "europe-west4": ("NL", "Eemshaven"), "europe-west6": ("CH", "Zurich"),
    "europe-west8": ("IT", "Milan"), "europe-west9": ("FR", "Paris"),
    "europe-west10": ("DE", "Berlin"), "europe-west12": ("IT", "Turin"),
    "europe-central2": ("PL", "Warsaw"), "europe-north1": ("FI", "Hamina"),
    "europe-north2": ("SE", "Stockholm"), "europe-southwest1": ("ES", "Madrid"),
    "me-west1": ("IL", "Tel Aviv"), "me-central1": ("QA", "Doha"), "me-central2": ("SA", "Dammam"),
    "africa-south1": ("ZA", "Johannesburg"), "asia-east1": ("TW", "Changhua County"),
    "asia-east2": ("HK", "Hong Kong"), "asia-northeast1": ("JP", "Tokyo"),
    "asia-northeast2": ("JP", "Osaka"), "asia-northeast3": ("KR", "Seoul"),
    "asia-south1": ("IN", "Mumbai"), "asia-south2": ("IN", "Delhi"),
    "asia-southeast1": ("SG", "Singapore"), "asia-southeast2": ("ID", "Jakarta"),
    "asia-southeast3": ("TH", "Bangkok"), "australia-southeast1": ("AU", "Sydney"),
    "australia-southeast2": ("AU", "Melbourne"),
}

_AZURE_REGIONS: dict[str, tuple[str, str | None]] = {
    "eastus": ("US", "Virginia"), "eastus2": ("US", "Virginia"), "centralus": ("US", "Iowa"),
    "northcentralus": ("US", "Illinois"), "southcentralus": ("US", "Texas"),
    "westcentralus": ("US", "Wyoming"), "westus": ("US", "California"),
    "westus2": ("US", "Washington"), "westus3": ("US", "Phoenix, Arizona"),
    "usgovvirginia": ("US", None), "usgovarizona": ("US", None), "usgovtexas": ("US", None),
    "canadacentral": ("CA", "Toronto"), "canadaeast": ("CA", "Quebec City"),
    "mexicocentral": ("MX", "Querétaro"), "brazilsouth": ("BR", "São Paulo"),
    "brazilsoutheast": ("BR", "Rio de Janeiro"), "chilecentral": ("CL", "Santiago"),
    "northeurope": ("IE", "Dublin"), "westeurope": ("NL", "Amsterdam"),
    "uksouth": ("GB", "London"), "ukwest": ("GB", "Cardiff"), "francecentral": ("FR", "Paris"),
    "francesouth": ("FR", "Marseille"), "germanywestcentral": ("DE", "Frankfurt"),
    "germanynorth": ("DE", "Berlin"), "switzerlandnorth": ("CH", "Zurich"),
    "switzerlandwest": ("CH", "Geneva"), "norwayeast": ("NO", "Oslo"),
    "norwaywest": ("NO", "Stavanger"), "swedencentral": ("SE", "Gävle"),
    "swedensouth": ("SE", "Malmö"), "denmarkeast": ("DK", "Copenhagen"),
    "polandcentral": ("PL", "Warsaw"), "italynorth": ("IT", "Milan"),
    "spaincentral": ("ES", "Madrid"), "austriaeast": ("AT", "Vienna"),
    "belgiumcentral": ("BE", "Brussels"), "israelcentral": ("IL", None),
    "qatarcentral": ("QA", "Doha"), "uaenorth": ("AE", "Dubai"), "uaecentral": ("AE", "Abu Dhabi"),
    "southafricanorth": ("ZA", "Johannesburg"), "southafricawest": ("ZA", "Cape Town"),
    "eastasia": ("HK", "Hong Kong"), "southeastasia": ("SG", "Singapore"),
    "japaneast": ("JP", "Tokyo"), "japanwest": ("JP", "Osaka"), "koreacentral": ("KR", "Seoul"),
    "koreasouth": ("KR", "Busan"), "centralindia": ("IN", "Pune"), "southindia": ("IN", "Chennai"),
    "westindia": ("IN", "Mumbai"), "jioindiacentral": ("IN", "Nagpur"),
    "jioindiawest": ("IN", "Jamnagar"), "indonesiacentral": ("ID", "Jakarta"),
    "malaysiawest": ("MY", "Kuala Lumpur"), "australiaeast": ("AU", "Sydney"),
    "australiasoutheast": ("AU", "Melbourne"), "australiacentral": ("AU", "Canberra"),
    "australiacentral2": ("AU", "Canberra"), "newzealandnorth": ("NZ", "Auckland"),
    "chinanorth": ("CN", None), "chinanorth2": ("CN", None), "chinanorth3": ("CN", None),
    "chinaeast": ("CN", None), "chinaeast2": ("CN", None), "chinaeast3": ("CN", None),
}

# Lambda's own API descriptions. Its two Japanese regions keep no city: sources disagree on
# which of them is Tokyo and which Osaka.
_LAMBDA_REGIONS: dict[str, tuple[str, str | None]] = {
    "us-east-1": ("US", "Virginia"), "us-east-2": ("US", "Washington DC"),
    "us-east-3": ("US", "Washington DC"), "us-west-1": ("US", "California"),
    "us-west-2": ("US", "Arizona"), "us-west-3": ("US", "Utah"), "us-south-1": ("US", "Texas"),
    "us-south-2": ("US", "North Texas"), "us-south-3": ("US", "Central Texas"),
    "us-midwest-1": ("US", "Illinois"), "australia-east-1": ("AU", "Sydney"),
    "australia-southeast-1": ("AU", None), "europe-central-1": ("DE", None),
    "europe-south-1": ("IT", None), "asia-south-1": ("IN", None), "me-west-1": ("IL", None),
    "asia-northeast-1": ("JP", None), "asia-northeast-2": ("JP", None),
}

_IBM_REGIONS: dict[str, tuple[str, str | None]] = {
    "us-south": ("US", "Dallas"), "us-east": ("US", "Washington DC"), "ca-tor": ("CA", "Toronto"),
    "br-sao": ("BR", "São Paulo"), "eu-de": ("DE", "Frankfurt"), "eu-gb": ("GB", "London"),
    "eu-es": ("ES", "Madrid"), "jp-tok": ("JP", "Tokyo"), "jp-osa": ("JP", "Osaka"),
    "au-syd": ("AU", "Sydney"),
}

# me-west1 and eu-north2 are left to the prefix (middle-east / europe, no country): Nebius
# documents their ids but not, in what we could check, their countries.
_NEBIUS_REGIONS: dict[str, tuple[str, str | None]] = {
    "eu-north1": ("FI", None), "eu-west1": ("FR", "Paris"), "eu-west2": ("FR", None),
    "us-central1": ("US", "Kansas City"), "us-north1": ("US", None),
    "uk-south1": ("GB", None), "uk-south2": ("GB", None),
}

# Leading word of a region id the tables do not know yet -> (country or None, geography).
_REGION_PREFIXES: dict[str, tuple[str | None, str]] = {
    "us": ("US", "us"), "ca": ("CA", "canada"), "uk": ("GB", "europe"), "eu": (None, "europe"),
    "europe": (None, "europe"), "me": (None, "middle-east"), "af": (None, "africa"),
    "africa": (None, "africa"), "asia": (None, "asia"), "sa": (None, "latin-america"),
    "southamerica": (None, "latin-america"), "au": ("AU", "oceania"),
    "australia": ("AU", "oceania"), "jp": ("JP", "asia"),
}

_SEEWEB_SITES = {"sof": "Sofia", "lug": "Lugano", "fr": "Frosinone", "mi": "Milan"}
_VERDA_SITES = {"FIN": "FI", "ICE": "IS"}
_VAST_CONTINENTS = {
    "EU": "europe", "AS": "asia", "AF": "africa", "OC": "oceania", "SA": "latin-america",
}


def _key(text: str) -> str:
    """Case-, accent-, space- and punctuation-blind form of a name (`São Paulo` → `saopaulo`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if char.isalnum())  # accents decompose to non-alnum


_COUNTRY_BY_NAME = {_key(name): code for code, names in _COUNTRY_NAMES.items() for name in names}
_PLACE_BY_KEY = {_key(name): (code, name) for code, names in _PLACES.items() for name in names}

# ---------------------------------------------------------------------------------------------
# Geography words.


def _codes(*groups: str) -> frozenset[str]:
    return frozenset(" ".join(groups).split())


_BY_GEOGRAPHY = {geography: _codes(codes) for geography, codes in _COUNTRIES_BY_GEOGRAPHY.items()}
_EU = _codes(_EU_MEMBERS)
GEOGRAPHY_ALIASES: Mapping[str, frozenset[str]] = MappingProxyType({
    **_BY_GEOGRAPHY,
    "north-america": _BY_GEOGRAPHY["us"] | _BY_GEOGRAPHY["canada"] | {"MX"},
    "americas": _BY_GEOGRAPHY["us"] | _BY_GEOGRAPHY["canada"] | _BY_GEOGRAPHY["latin-america"],
    "south-america": _codes(_SOUTH_AMERICA),
    "eu": _EU,  # the 27 member states only: what GDPR-minded users mean by "EU only"
    "eea": _EU | {"IS", "LI", "NO"},
    "uk": frozenset({"GB"}),
    "apac": _BY_GEOGRAPHY["asia"] | _BY_GEOGRAPHY["oceania"],
    "emea": _BY_GEOGRAPHY["europe"] | _BY_GEOGRAPHY["middle-east"] | _BY_GEOGRAPHY["africa"],
    "nordics": _codes("DK FI IS NO SE"),
    "dach": _codes("AT CH DE"),
})

_GEOGRAPHY_SYNONYMS = {
    "european-union": "eu", "usa": "us", "united-states": "us", "united-states-of-america": "us",
    "united-kingdom": "uk", "gb": "uk", "great-britain": "uk", "britain": "uk",
    "latam": "latin-america", "asia-pacific": "apac", "mideast": "middle-east",
    "nordic": "nordics", "european": "europe",
}


def _geography_key(word: str) -> str:
    """`"European Union"`, `european_union`, `"the U.S."` → `european-union`, `us`."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().replace(".", ""))
    words = re.sub(r"[^a-z0-9]+", " ", decomposed)
    return "-".join(part for part in words.split() if part != "the")


def countries_for_geography(word: str) -> frozenset[str] | None:
    """ISO country codes a geography word covers ("Europe", "eu", "apac", "United States").

    Case, spaces and underscores do not matter. None when the word is not a geography; offer
    `difflib.get_close_matches(word, geography_names())` then.
    """
    if not isinstance(word, str):
        return None
    key = _geography_key(word)
    return GEOGRAPHY_ALIASES.get(_GEOGRAPHY_SYNONYMS.get(key, key))


def geography_names() -> list[str]:
    """Every geography word countries_for_geography accepts, sorted, for "did you mean"."""
    return sorted({*GEOGRAPHY_ALIASES, *_GEOGRAPHY_SYNONYMS})


def is_country_name(word: str) -> bool:
    """Whether the word names a country ("japan", "Germany"), not a city or state."""
    return isinstance(word, str) and _key(word) in _COUNTRY_BY_NAME


def country_for_place(word: str) -> str | None:
    """ISO country of an ISO code, a country name or a data-centre city/state users type.

    "Frankfurt" → "DE", "São Paulo"/"Sao Paulo" → "BR", "Virginia" → "US", "uk" → "GB".
    Country names win over places ("Georgia" → "GE"). None when unknown.
    """
    if not isinstance(word, str):
        return None
    key = _key(word)
    if len(key) == 2 and key.upper() in _GEOGRAPHY_BY_COUNTRY:
        return key.upper()
    return _COUNTRY_BY_NAME.get(key) or _PLACE_BY_KEY.get(key, (None, None))[0]


# ---------------------------------------------------------------------------------------------
# Region formats, one locator per provider.


def _located(country: str | None, city: str | None = None) -> RegionLocation:
    geography = _GEOGRAPHY_BY_COUNTRY.get(country or "")
    return RegionLocation(country, geography, city) if geography else UNKNOWN


def _city_name(token: str) -> str:
    """Display name of a city token (`newyork` → `New York`); unknown tokens title-cased."""
    return _PLACE_BY_KEY.get(_key(token), (None, token.title()))[1]


def _locate_by_prefix(region_id: str) -> RegionLocation:
    """A region id no table knows yet: its leading word may still name a country or continent."""
    country, geography = _REGION_PREFIXES.get(region_id.split("-")[0], (None, "unknown"))
    return RegionLocation(country, geography) if geography != "unknown" else UNKNOWN


_ZONE_SUFFIX = re.compile(r"(?<=\d)-[a-z]$")


def _locate_in_table(
    table: Mapping[str, tuple[str, str | None]], region: str, zone: str | None
) -> RegionLocation:
    """Cloud region ids: the table, then the region of a zone id (`us-central1-a`), then the prefix.

    Spaces are dropped so Azure display names (`East US 2`) match their ids.
    """
    region_id = region.casefold().replace(" ", "")
    for candidate in (region_id, _ZONE_SUFFIX.sub("", region_id)):
        if candidate in table:
            return _located(*table[candidate])
    return _locate_by_prefix(region_id)


_AWS_EDGE_ZONE = re.compile(
    r"^(?P<parent>[a-z]{2}(?:-gov)?-[a-z]+-\d+)-(?:wl\d+-?)?(?P<metro>[a-z]{3})?-?\d*$"
)


def _locate_aws(region: str, zone: str | None) -> RegionLocation:
    """AWS regions from the table; Local Zones (`us-east-1-bos-1`) and Wavelength Zones
    (`us-east-1-wl1-atl1`) by their metro, which can lie in another country than the parent
    (`us-east-1-lim-1` is Lima); a bare `-wl1` zone is the parent's country.
    """
    region_id = region.casefold()
    if region_id in _AWS_REGIONS:
        return _located(*_AWS_REGIONS[region_id])
    edge = _AWS_EDGE_ZONE.match(region_id)
    if edge is None:
        return _locate_by_prefix(region_id)
    if edge["metro"] in _METROS:
        return _located(*_METROS[edge["metro"]])
    return _located(_AWS_REGIONS.get(edge["parent"], (None, None))[0])


def _locate_country_code(region: str, zone: str | None) -> RegionLocation:
    """runpod, lium: an ISO code (`DE`); newer RunPod ids wrap it (`EU-RO-1`, `US-OR-1`)."""
    parts = region.upper().split("-")
    if len(parts) == 1 or parts[0] in ("US", "CA"):
        return _located(parts[0])
    return _located(parts[1])


_CUDO_REGION = re.compile(r"^([a-z]{2})-([a-z]+)-\d+$")


def _locate_cudo(region: str, zone: str | None) -> RegionLocation:
    """`se-stockholm-1`: ISO country, city, site number."""
    match = _CUDO_REGION.match(region.casefold())
    return _located(match[1].upper(), _city_name(match[2])) if match else UNKNOWN


_SEEWEB_REGION = re.compile(r"^([a-z]{2})-([a-z]+)\d+$")


def _locate_seeweb(region: str, zone: str | None) -> RegionLocation:
    """`it-mi2`: ISO country, site code, site number (an empty region stays unknown)."""
    match = _SEEWEB_REGION.match(region.casefold())
    return _located(match[1].upper(), _SEEWEB_SITES.get(match[2])) if match else UNKNOWN


_SHADEFORM_REGION = re.compile(r"^([a-z-]+)-([a-z]+)-\d+$")


def _locate_shadeform(region: str, zone: str | None) -> RegionLocation:
    """`kansascity-usa-6`: city, country name, site number."""
    match = _SHADEFORM_REGION.match(region.casefold())
    if match is None:
        return UNKNOWN
    return _located(_COUNTRY_BY_NAME.get(_key(match[2])), _city_name(match[1]))


def _locate_vast(region: str, zone: str | None) -> RegionLocation:
    """`"Oregon, US, NA"`: state or country name (may be empty), ISO country, continent code."""
    parts = [part.strip() for part in region.split(",")]
    if len(parts) != 3:
        return UNKNOWN
    state, country, continent = parts[0], parts[1].upper(), parts[2].upper()
    located = _located(country, _vast_place(state, country))
    if located is UNKNOWN and continent in _VAST_CONTINENTS:
        return RegionLocation(None, _VAST_CONTINENTS[continent])
    return located


def _vast_place(state: str, country: str) -> str | None:
    """The state part as the city, unless it only repeats the country (`"Germany, DE, EU"`)."""
    if not state or _COUNTRY_BY_NAME.get(_key(state)) == country:
        return None
    return state


_COUNTRY_WORD = re.compile(r"^([a-z ]+?)(?:-\d+)?$")


def _locate_country_name(region: str, zone: str | None) -> RegionLocation:
    """hyperstack `CANADA-1`, `US-1`; fluidstack `FINLAND`: a country name, maybe numbered."""
    match = _COUNTRY_WORD.match(region.casefold())
    return _located(_COUNTRY_BY_NAME.get(_key(match[1]))) if match else UNKNOWN


def _locate_verda(region: str, zone: str | None) -> RegionLocation:
    """`FIN-01`: a site prefix per country."""
    return _located(_VERDA_SITES.get(region.upper().split("-")[0]))


def _locate_jarvislabs(region: str, zone: str | None) -> RegionLocation:
    """`IN1`, `IN2`: an ISO country code and a site number."""
    return _located(region.upper().rstrip("0123456789"))


def _locate_primeintellect(region: str, zone: str | None) -> RegionLocation:
    """Region is the ISO country; the zone is the upstream site, which gives the city when it
    is a metro code in that same country (`DE` + `FRA2` → Frankfurt).
    """
    country = region.upper()
    metro = _METROS.get(re.sub(r"\d+$", "", (zone or "").casefold()))
    return _located(country, metro[1] if metro and metro[0] == country else None)


def _locate_nowhere(region: str, zone: str | None) -> RegionLocation:
    """hyperbolic lists a single region, `default`, which says nothing about where: no guess."""
    return UNKNOWN


_LOCATORS: dict[str, Callable[[str, str | None], RegionLocation]] = {
    "aws": _locate_aws,
    "gcp": partial(_locate_in_table, _GCP_REGIONS),
    "azure": partial(_locate_in_table, _AZURE_REGIONS),
    "lambda": partial(_locate_in_table, _LAMBDA_REGIONS),
    "ibm": partial(_locate_in_table, _IBM_REGIONS),
    "nebius": partial(_locate_in_table, _NEBIUS_REGIONS),
    "mithril": partial(_locate_in_table, {}),
    "yotta": partial(_locate_in_table, {}),
    "runpod": _locate_country_code,
    "lium": _locate_country_code,
    "cudo": _locate_cudo,
    "seeweb": _locate_seeweb,
    "shadeform": _locate_shadeform,
    "vast": _locate_vast,
    "hyperstack": _locate_country_name,
    "fluidstack": _locate_country_name,
    "verda": _locate_verda,
    "jarvislabs": _locate_jarvislabs,
    "primeintellect": _locate_primeintellect,
    "hyperbolic": _locate_nowhere,
}


def locate_region(provider: str, region: str, zone: str | None = None) -> RegionLocation:
    """Where `region` of `provider` (the catalog folder name, e.g. "aws", "vast") is.

    Never raises: an unknown provider or a name that does not say gives
    `RegionLocation(None, "unknown")`. `zone` matters only for primeintellect, whose Region is a
    country and whose AvailabilityZone names the upstream site.
    """
    if not isinstance(provider, str) or not isinstance(region, str) or not region.strip():
        return UNKNOWN
    locator = _LOCATORS.get(provider.strip().casefold())
    if locator is None:
        return UNKNOWN
    return locator(region.strip(), zone if isinstance(zone, str) else None)
