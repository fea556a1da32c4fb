"""The offline requirements extractor: rules and vocabularies that turn a message into a WorkloadSpec.

No API key, no network: regular expressions for quantities (money, sizes, counts, tokens), and the
catalogs' own vocabularies for names (GPU families and aliases, cloud providers, geographies and
places, chart products). Each finding is recorded in `notes` in plain words so the user can see how
the message was read; what cannot be resolved stays in the text, it is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import ValidationError

from stack8s_architect.agents.polarity import negated, negated_after
from stack8s_architect.catalog.charts.roles import ROLE_RULES
from stack8s_architect.catalog.compute.regions import countries_for_geography, country_for_place
from stack8s_architect.catalog.compute.service import PROVIDER_ALIASES, known_providers
from stack8s_architect.catalog.gpus.names import resolve_user_accelerator
from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS
from stack8s_architect.planning.sizing_step import BYTES_PER_TOKEN
from stack8s_architect.planning.spec import WorkloadSpec


@dataclass
class Extraction:
    spec: WorkloadSpec
    notes: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        """The notes about something said that could not be used (invalid values, other currencies)."""
        return [note for note in self.notes if note.startswith(_WARNING_PREFIXES)]


_WARNING_PREFIXES = ("ignored ", "amounts in other currencies")


# Bounded, and never starting inside a longer number: linear-time matching, no overflowing values.
_NUMBER = r"(?<![\d.,])(\d{1,3}(?:,\d{3}){1,3}|\d{1,9}(?:\.\d{1,6})?)(?![\d,])"
_MONEY = re.compile(
    r"(?:\$|usd\s*|us\$)\s*" + _NUMBER + r"\s*(k|m)?\b(?:\s*(?:usd|dollars))?"
    r"(?:\s*(?:/|per|a|an|each)\s*(month|mo|hour|hr|h|day|year|yr|week)\b)?"
    r"|" + _NUMBER + r"\s*(k|m)?\s*(?:usd|dollars)\b(?:\s*(?:/|per|a|an|each)\s*(month|mo|hour|hr|h|day|year|yr|week)\b)?",
    re.IGNORECASE,
)
_PRICE_CLAIM = re.compile(r"\b(costs?|priced?|prices|charges?|billed|is|are)\b[^$]{0,12}$", re.I)
_OTHER_CURRENCY = re.compile(r"[€£¥]\s*\d|\d\s*(?:eur|euros?|gbp|pounds?)\b", re.I)
_BUDGET_WORDS = re.compile(r"\b(budget|under|below|max(?:imum)?|at most|up to|no more than|spend|cap|limit)\b", re.I)
_BARE_BUDGET = re.compile(r"\bbudget\s*(?:of|is|:)?\s*" + _NUMBER + r"\s*(k|m)?\b"
                          r"(?:\s*(?:/|per|a|an)\s*(month|mo|hour|hr|h|day|year|yr|week)\b)?", re.IGNORECASE)
# "We can spend 12k a month", "our cap is 5k/mo": an amount with a k/m suffix, a spending word before it and a
# period after it is a budget even without a currency sign (US dollars assumed, and said).
_SPEND_AMOUNT = re.compile(
    r"\b(?:spend|spending|afford|budget|cap|capped|limit|up to|under|below|max(?:imum)?|at most|no more than|around|"
    r"about)\b[^.;\d$€£]{0,20}?" + _NUMBER + r"\s*(k|m)\b\s*(?:usd|dollars|bucks)?\s*(?:/|per|a|an|each)?\s*"
    r"(month|mo|monthly|year|yr|yearly|annually|week|weekly|day|daily|hour|hr)\b", re.IGNORECASE)
_PERIODS = {"monthly": "month", "yearly": "year", "annually": "year", "weekly": "week", "daily": "day"}
_TO_MONTHLY = {"month": 1.0, "mo": 1.0, "hour": 730.0, "hr": 730.0, "h": 730.0, "day": 730.0 / 24,
              "week": 730.0 / (24 * 7), "year": 1 / 12, "yr": 1 / 12}
_SIZE = re.compile(r"\b" + _NUMBER + r"\s*(pb|tb|gb|mb|tib|gib)\b", re.IGNORECASE)
_TO_GB = {"pb": 1e6, "tb": 1e3, "gb": 1.0, "mb": 1e-3, "tib": 1024 * 1.073741824, "gib": 1.073741824}
_COUNT_WORD = r"(?<![\d.,])(\d{1,4}|one|two|three|four|six|eight|sixteen|single)"
_WORD_NUMBERS = {"one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "six": 6, "eight": 8, "sixteen": 16}
_GPU_MEMORY = re.compile(r"\b" + _NUMBER + r"\s*(?:gb|gib)\s*(?:of\s*)?(?:vram|gpu memory|memory|hbm)\b"
                         r"|\b(?:vram|gpu memory)\s*(?:of\s*)?(?:at least\s*)?" + _NUMBER + r"\s*(?:gb|gib)\b",
                         re.IGNORECASE)
# "4 GPUs with 48 GB each", "GPUs of 80GB apiece": memory per GPU, said of GPUs in the same clause
_PER_GPU_MEMORY = re.compile(r"\bgpus?\b[^.;]{0,30}?\b" + _NUMBER + r"\s*(?:gb|gib)\s*(?:of\s*(?:vram|memory)\s*)?"
                             r"(?:each|apiece|per (?:gpu|card|device)|a piece)\b", re.IGNORECASE)
_CONTEXT = re.compile(r"\b" + _NUMBER + r"\s*(k)?\s*(?:-?\s*token)?s?\s*(?:context|ctx|context window)\b"
                      r"|\bcontext\s*(?:length|window)?\s*(?:of|:)?\s*" + _NUMBER + r"\s*(k)?\b", re.IGNORECASE)
_USERS = re.compile(r"\b" + _NUMBER + r"\s*(k)?\s*(?:concurrent|simultaneous|parallel|active)?\s*(?:users|people|ppl|persons|employees|customers|sessions|"
                    r"chats|conversations)\b", re.IGNORECASE)
_RPS = re.compile(r"\b" + _NUMBER + r"\s*(k)?\s*(?:requests?\s*(?:/|per)\s*(?:second|sec|s)\b|rps\b|qps\b)"
                  r"|\b" + _NUMBER + r"\s*(k)?\s*requests?\s*(?:/|per|a)\s*(minute|min|hour|day)\b", re.IGNORECASE)
_LATENCY = re.compile(r"(?:\b(?:under|below|less than|within|p95|p99|latency(?: of)?)|<)\s*(?:of\s*)?" + _NUMBER +
                      r"\s*(ms|milliseconds?|s|sec|seconds?)\b", re.IGNORECASE)
# "8B", "1.5B model": billions anywhere; millions ("350M") only inside a model mention — "1.2M/year" is money.
_PARAMS = re.compile(r"(?<![$€£])\b" + _NUMBER + r"\s*(b)(?:illion)?\b(?!\s*(?:tokens|rows|images|documents|"
                     r"requests|users|dollars|usd))", re.IGNORECASE)
_PARAMS_IN_MODEL = re.compile(r"\b" + _NUMBER + r"\s*([bm])\b", re.IGNORECASE)
_MODEL = re.compile(
    r"\b((?:meta[- ])?llama(?:[- ]?\d(?:\.\d)?(?!\d))?|mistral|mixtral|qwen[- ]?\d(?:\.\d)?(?!\d)|qwen|gemma[- ]?\d?(?!\d)|"
    r"phi[- ]?\d(?:\.\d)?(?!\d)|"
    r"deepseek(?:[- ]?(?:v\d|r\d))?|falcon|gpt[- ]?oss|yi|command[- ]r|whisper|stable diffusion|sdxl|flux|yolo\w*|"
    r"monai|bert|clip|llava|starcoder\d?|codellama)(?![a-z])"
    r"((?:[- ](?:\d+(?:\.\d+)?[bm]|\d+x\d+b|instruct|chat|base|large(?:-v\d)?|medium|small|tiny|coder|vl))*)",
    re.IGNORECASE)

_TASK_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fine_tuning", re.compile(r"\b(fine[- ]?tun\w*|finetun\w*|q?lora|adapter training|sft|instruction[- ]tun\w*)\b", re.I)),
    ("batch_inference", re.compile(r"\b(batch|offline scoring|every (?:day|night|hour)|nightly|daily|"
                                   r"backfill|bulk)\b", re.I)),
    # "train"/"training", not "trained" ("serve our already-trained model") nor "train of thought"
    ("training", re.compile(r"\b((?:pre-?|re)?train(?:ing|s)?\b(?! of thought)|build (?:a|my|our) (?:\w+ )?(?:model|detector|classifier)|"
                            r"create (?:a|my|our) (?:\w+ )?(?:model|detector|classifier))\b", re.I)),
    ("inference", re.compile(r"\b(serv\w*|deploy\w*|inference|host\w*|chat ?bot|assistant|api|endpoint|run\b|"
                             r"transcrib\w*|rag)\b", re.I)),
)
_DOMAIN_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("medical_imaging", re.compile(r"\b(mri|ct scans?|x-?rays?|dicom|radiolog\w*|patholog\w*|medical imag\w*|"
                                   r"tumou?r|lung[- ]cancer|nodules?|monai|ultrasound|mammogra\w*)\b", re.I)),
    ("speech", re.compile(r"\b(speech|transcri\w*|asr|whisper|audio|call recordings?|voice|diariz\w*)\b", re.I)),
    ("image_generation", re.compile(r"\b(stable diffusion|sdxl|image generation|text[- ]to[- ]image|flux|"
                                    r"generate images|diffusion models?|image generator)\b", re.I)),
    ("multimodal", re.compile(r"\b(vision[- ]language|multimodal|multi-modal|llava|vlm)\b", re.I)),
    ("vision", re.compile(r"\b(computer vision|object detection|detect(?:ion|or)?|image classification|segmentation|"
                          r"yolo\w*|images?|video|camera|ocr)\b", re.I)),
    ("embeddings", re.compile(r"\b(embedding model only|semantic search|sentence embeddings?)\b", re.I)),
    ("tabular", re.compile(r"\b(tabular|xgboost|lightgbm|forecast\w*|time series)\b", re.I)),
    ("llm", re.compile(r"\b(llm|language model|(?:llama|mistral|mixtral|qwen|gemma|deepseek|gpt)\w*|phi-?\d|chat ?bot|rag|"
                       r"assistant|text generation|summari[sz]\w*|tickets?|documents?|copilot)\b", re.I)),
)
_PRECISION_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("int4", re.compile(r"\b(4[- ]?bit|int4|awq|gptq|q4\w*|nf4)\b", re.I)),
    ("fp8", re.compile(r"\b(fp8|8[- ]?bit float)\b", re.I)),
    ("int8", re.compile(r"\b(8[- ]?bit|int8)\b", re.I)),
    ("fp16", re.compile(r"\b(fp16|half precision)\b", re.I)),
    ("bf16", re.compile(r"\b(bf16|bfloat16)\b", re.I)),
)
_METHOD = (("qlora", re.compile(r"\bqlora\b", re.I)), ("lora", re.compile(r"\blora\b", re.I)),
           ("full", re.compile(r"\bfull (?:fine[- ]?tun\w*|parameter)\b", re.I)))
_RETRIEVAL = re.compile(r"\b(rag|retrieval[- ]augmented|vector (?:search|database|db|store)|semantic search|"
                        r"knowledge base)\b", re.I)
_SPOT = re.compile(r"\b(spot|preemptible|pre-emptible|interruptible)\b", re.I)
_NO_SPOT = re.compile(r"\b(?:no|not|don'?t|do not|without|avoid|never)\b(?:\s+\w+){0,2}\s+spot\b|"
                      r"\bon-demand only\b", re.I)
_LOCAL = re.compile(r"\b(on[- ]prem\w*|our own (?:cluster|hardware|gpus)|local cluster|existing cluster|"
                    r"own data ?cent(?:er|re))\b", re.I)
_NO_LOCAL = re.compile(r"\b(cloud[- ]only|only (?:in|on) the cloud|(?:not|instead of|avoid|rather than|without|no|never)"
                       r"(?:\s+(?:on|use|using|in|our|the|a|an|any|own|local|existing))*\s+(?:on[- ]prem\w*|local "
                       r"cluster|own (?:cluster|hardware|gpus)|existing cluster|cluster|hardware)|(?:don'?t|do not|never) "
                       r"(?:use|have|want)(?:\s+(?:our|the|a|an|any|own|local|existing))*\s+(?:on[- ]prem\w* )?"
                       r"(?:cluster|gpus|hardware))\b", re.I)
_COMPLIANCE = {"hipaa": "HIPAA", "gdpr": "GDPR", "soc ?2": "SOC2", "pci(?:[- ]dss)?": "PCI-DSS",
               "iso ?27001": "ISO27001", "fedramp": "FedRAMP"}
_LICENSE = ((re.compile(r"\bcommercial(?:ly)?\b(?: use)?", re.I), "commercial-use"),
            (re.compile(r"\b(permissive|apache[- ]2(?:\.0)?|apache licen[cs]e|mit licen[cs]e)\b", re.I), "permissive"),
            (re.compile(r"\bopen[- ]?(?:source|weights?)\b", re.I), "open-weights"))
_GEOGRAPHY_WORDS = ("europe", "eu", "eea", "us", "usa", "north america", "asia", "apac", "uk", "india", "japan",
                    "south america", "latam", "middle east", "africa", "oceania", "australia", "canada")
_GPU_BASE = (r"(?:[abhlt]\d{1,3}[a-z]?(?:\s?(?:sxm|pcie|nvl|80 ?gb|40 ?gb|48 ?gb|24 ?gb))?|v100|"
             r"gb\d{3}|mi\d{3}x?|rtx ?(?:a|pro ?)?\d{4}(?: ?ti| ?super)?|a\d000|tpu ?v\d[a-z]?)")
_GPU_NAME = _GPU_BASE + r"s?\b"  # "A100s"
_GPU_TOKEN = re.compile(r"\b((?:nvidia |amd )?" + _GPU_BASE + r")s?\b", re.I)
# Product names that are also common words ("vector database", "drone footage", "Flux" the image model).
_AMBIGUOUS_PRODUCTS = {"Vector", "Flux", "Drone", "Keel", "Aim", "Dex", "Volcano", "Gloo", "Phoenix", "Vespa"}
_COMPONENTS = sorted({rule.product for rule in ROLE_RULES if rule.roles and len(rule.product) > 3
                      and rule.product not in _AMBIGUOUS_PRODUCTS
                      and rule.product.split()[0] not in {"Prometheus", "Apache", "NVIDIA", "Kubeflow", "Grafana"}},
                     key=len, reverse=True)
_COMPONENT_PATTERNS = [(p, re.compile(r"\b" + re.escape(p) + r"\b", re.I)) for p in _COMPONENTS] + [
    (name, re.compile(r"\b" + re.escape(word) + r"\b", re.I)) for word, name in (
        ("prometheus", "Prometheus"), ("grafana", "Grafana"), ("airflow", "Apache Airflow"), ("kafka", "Apache Kafka"),
        ("spark", "Apache Spark"), ("triton", "NVIDIA Triton"), ("kubeflow", "Kubeflow Pipelines"),
        ("ray cluster", "KubeRay"), ("ray serve", "KubeRay"), ("ray train", "KubeRay"))]


def _number(text: str, suffix: str | None = None) -> float:
    value = float(text.replace(",", ""))
    return value * {"k": 1e3, "m": 1e6}.get((suffix or "").lower(), 1.0)


def extract(message: str) -> Extraction:
    """Everything the message states about the workload, as a partial WorkloadSpec with notes."""
    text = " ".join(message.split())
    found: dict[str, object] = {}
    notes: list[str] = []
    for extractor in (_task_and_domain, _budget, _gpus, _places, _scale, _data, _model, _options):
        extractor(text, found, notes)
    valid = {}
    for name, value in found.items():  # "0 GPUs", "budget $0": said back, never a crash
        try:
            WorkloadSpec(**{name: value})
        except ValidationError:
            notes.append(f"ignored {name.replace('_', ' ')} = {value}: it must be a positive value")
            continue
        valid[name] = value
    return Extraction(WorkloadSpec(**valid), notes)


def _task_and_domain(text: str, found: dict[str, object], notes: list[str]) -> None:
    for task, pattern in _TASK_RULES:
        if pattern.search(text):
            found["task"] = task
            break
    for domain, pattern in _DOMAIN_RULES:
        if pattern.search(text):
            found["domain"] = domain
            break
    for method, pattern in _METHOD:
        if pattern.search(text):
            found["fine_tuning_method"] = method
            found.setdefault("task", "fine_tuning")
            break


def _budget(text: str, found: dict[str, object], notes: list[str]) -> None:
    if _OTHER_CURRENCY.search(text):
        notes.append("amounts in other currencies are not converted: give the budget in US dollars")
    for match in _MONEY.finditer(text):
        amount = match.group(1) or match.group(4)
        suffix = match.group(2) or match.group(5)
        period = (match.group(3) or match.group(6) or "").lower()
        before = text[max(0, match.start() - 40):match.start()]
        budget_said = bool(_BUDGET_WORDS.search(before[-25:]))  # "our budget is $12,000": not a price claim
        if (_PRICE_CLAIM.search(before) and not budget_said) or (not period and not _BUDGET_WORDS.search(before)):
            continue  # a price quoted or claimed ("an H100 costs $2"), not a budget: prices come from the catalog
        monthly = _number(amount, suffix) * _TO_MONTHLY.get(period or "month", 1.0)
        found["budget_usd_per_month"] = round(monthly, 2)
        if period in {"hour", "hr", "h", "day", "week", "year", "yr"}:
            notes.append(f"budget {match.group(0).strip()} read as ${monthly:,.0f} per month (730 hours)")
        return
    spend = _SPEND_AMOUNT.search(text)
    if spend and not _OTHER_CURRENCY.search(text[spend.start():spend.end() + 8]):
        period = _PERIODS.get(spend.group(3).lower(), spend.group(3).lower())
        monthly = _number(spend.group(1), spend.group(2)) * _TO_MONTHLY[period]
        found["budget_usd_per_month"] = round(monthly, 2)
        notes.append(f"{spend.group(0).strip()} read as ${monthly:,.0f} (US dollars) per month")
        return
    bare = _BARE_BUDGET.search(text)
    if bare and not _OTHER_CURRENCY.search(text[bare.start():bare.end() + 8]):
        period = (bare.group(3) or "month").lower()
        monthly = _number(bare.group(1), bare.group(2)) * _TO_MONTHLY.get(period, 1.0)
        found["budget_usd_per_month"] = round(monthly, 2)
        notes.append(f"{bare.group(0).strip()} read as ${monthly:,.0f} (US dollars) per month")


_HARDWARE_CLAIM = re.compile(r"\b((?:nvidia |amd )?" + _GPU_BASE + r")s?\s+(?:has|have|comes with|come with|carries)\s+"
                             r"(?:only\s+|just\s+)?" + _NUMBER + r"\s*(?:gb|gib)\b", re.IGNORECASE)


def gpu_mentions(text: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """(start, end, name as said, accelerator keys) of every GPU named, in order."""
    found = []
    for match in _GPU_TOKEN.finditer(text):
        token = match.group(1)
        resolved = resolve_user_accelerator(token)
        if not resolved and token[-1] in "sS":  # "H100s": the plural swallowed by the model-suffix letter
            token = token[:-1]
            resolved = resolve_user_accelerator(token)
        if resolved:
            found.append((match.start(), match.end(), re.sub(r"^(?:NVIDIA|AMD) ", "", token.upper()), resolved))
    return found


def gpu_polarity(text: str) -> tuple[list[str], list[str]]:
    """(GPUs wanted, GPUs ruled out) as named — "no T4s", "anything but H100", "A100 instead of V100"; the
    same GPU named twice ("nvidia h100 … H100") counts once, and ruled out anywhere wins."""
    mentions = gpu_mentions(text)
    spans = [(start, end) for start, end, _, _ in mentions]
    out_keys = {keys for start, end, _, keys in mentions
                if negated(text, start, tuple(s for s in spans if s != (start, end))) or negated_after(text, end)}
    wanted, ruled_out, seen = [], [], set()
    for _, _, name, keys in mentions:
        if keys in seen:
            continue
        seen.add(keys)
        (ruled_out if keys in out_keys else wanted).append(name)
    return wanted, ruled_out


def _gpus(text: str, found: dict[str, object], notes: list[str]) -> None:
    wanted, ruled_out = gpu_polarity(text)
    if wanted:
        found["gpu_names"] = wanted
    if ruled_out:
        found["exclude_gpus"] = ruled_out
    # A count sits right before "GPU(s)" or a GPU name: "8x H100", "two A100s", "2 GPUs" — not "2x faster".
    count = re.search(_COUNT_WORD + r"\s*(?:x\s*)?(?:(?:nvidia|amd)\s+)?(?:gpus?\b|" + _GPU_NAME + r")", text, re.I)
    if count:
        raw = count.group(1).lower()
        value = _WORD_NUMBERS.get(raw) or int(raw)
        if value <= 1024:
            found["gpu_count"] = value
    for claim in _HARDWARE_CLAIM.finditer(text):  # "an A10G has 80 GB": facts come from the table, never the chat
        keys = resolve_user_accelerator(claim.group(1)) or resolve_user_accelerator(claim.group(1).rstrip("sS"))
        if keys:
            spec = ACCELERATOR_SPECS[keys[0]]
            notes.append(f"ignored the claim '{claim.group(0)}': GPU figures come from the accelerator table "
                         f"({spec.key}: {spec.memory_gib:g} GiB)")
    memory = _GPU_MEMORY.search(text)
    each = _PER_GPU_MEMORY.search(text)
    if memory:
        found["min_gpu_memory_gib"] = float((memory.group(1) or memory.group(2)).replace(",", ""))
    elif each:
        found["min_gpu_memory_gib"] = float(each.group(1).replace(",", ""))


# "a vast dataset" and "a lambda function" name no cloud.
_AMBIGUOUS_PROVIDERS = {"vast": ("vast.ai", "vastai", "vast ai", "on vast", "only vast", "use vast"),
                        "lambda": ("lambda labs", "lambda cloud", "lambdalabs", "on lambda", "lambda gpu",
                                   "only lambda", "use lambda", "switch to lambda", "via lambda")}


# Region ids as the clouds spell them: AWS (eu-west-1), GCP (europe-west4), Azure (westeurope, eastus2).
_REGION_ID = re.compile(
    r"\b((?:us|eu|ap|sa|ca|me|af|il|mx)-(?:gov-)?(?:east|west|north|south|central|northeast|southeast|northwest|"
    r"southwest)-\d|(?:us|europe|asia|australia|northamerica|southamerica|me|africa)-(?:east|west|north|south|central|"
    r"northeast|southeast|northwest|southwest)\d{1,2}|(?:east|west|central|north|south|northcentral|southcentral|"
    r"westcentral)us\d?|(?:west|north)europe|uksouth|ukwest|germanywestcentral|francecentral|swedencentral|"
    r"switzerlandnorth|norwayeast|polandcentral|italynorth|spaincentral|japaneast|japanwest|koreacentral|"
    r"australiaeast|canadacentral|canadaeast|brazilsouth|centralindia|southindia|eastasia|southeastasia|"
    r"uaenorth|southafricanorth)\b", re.IGNORECASE)


def provider_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, provider id) of every provider named, in order; a longer spelling wins an overlap."""
    lowered = text.lower()
    found: list[tuple[int, int, str]] = []
    for name in (*known_providers(), *PROVIDER_ALIASES):
        for spelling in _AMBIGUOUS_PROVIDERS.get(name, (name,)):
            for match in re.finditer(r"\b" + re.escape(spelling) + r"(?![\w-])", lowered):
                found.append((match.start(), match.end(), PROVIDER_ALIASES.get(name, name)))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    kept: list[tuple[int, int, str]] = []
    for mention in found:
        if not kept or mention[0] >= kept[-1][1]:
            kept.append(mention)
    return kept


def provider_polarity(text: str) -> tuple[list[str], list[str]]:
    """(providers wanted, providers ruled out), each in the order named; ruled out anywhere wins."""
    mentions = provider_mentions(text)
    spans = [(start, end) for start, end, _ in mentions]
    ruled_out = [p for start, end, p in mentions
                 if negated(text, start, tuple(s for s in spans if s != (start, end))) or negated_after(text, end)]
    wanted = [p for _, _, p in mentions if p not in ruled_out]
    return list(dict.fromkeys(wanted)), list(dict.fromkeys(ruled_out))


def _places(text: str, found: dict[str, object], notes: list[str]) -> None:
    lowered = text.lower()
    regions = list(dict.fromkeys(match.group(1).lower() for match in _REGION_ID.finditer(text)))
    if regions:
        found["regions"] = regions
    wanted, ruled_out = provider_polarity(text)
    if wanted:
        found["providers"] = wanted
    if ruled_out:
        found["exclude_providers"] = ruled_out
    for word in _GEOGRAPHY_WORDS:
        # "us" is also a pronoun: only the upper-case US (or USA) names the country
        source, needle = (text, word.upper()) if word in {"us", "eu", "uk"} else (lowered, word)
        if re.search(r"\b" + re.escape(needle) + r"\b", source) and countries_for_geography(word):
            found["geography"] = word
            return
    for match in re.finditer(r"\b(?:in|near|from)\s+([A-Z][a-zA-Z]+(?: [A-Z][a-zA-Z]+)?)", text):
        place = match.group(1)
        if country_for_place(place) or countries_for_geography(place):
            found["geography"] = place
            return


def _scale(text: str, found: dict[str, object], notes: list[str]) -> None:
    users = _USERS.search(text)
    if users:
        found["concurrent_users"] = int(_number(users.group(1), users.group(2)))
    rps = _RPS.search(text)
    if rps:
        if rps.group(1):
            found["requests_per_second"] = _number(rps.group(1), rps.group(2))
        else:
            per = {"minute": 60, "min": 60, "hour": 3600, "day": 86400}[rps.group(5).lower()]
            found["requests_per_second"] = round(_number(rps.group(3), rps.group(4)) / per, 4)
            notes.append(f"{rps.group(0)} read as {found['requests_per_second']} requests per second on average")
    latency = _LATENCY.search(text)
    if latency:
        value = float(latency.group(1).replace(",", ""))
        found["latency_target_ms"] = value if latency.group(2).lower().startswith("m") else value * 1000
    context = _CONTEXT.search(text)
    if context:
        number, suffix = (context.group(1), context.group(2)) if context.group(1) else (context.group(3), context.group(4))
        tokens = _number(number, suffix)
        binary = suffix and number in {"4", "8", "16", "32", "64", "128", "256"}  # "32k" context is 32,768 tokens
        found["context_length"] = int(tokens * 1.024) if binary else int(tokens)


# "the model is 140GB", "weights of about 16 GB": a model's size, not data ("a model on 500GB of images" is data)
_MODEL_SIZE_BEFORE = re.compile(r"\b(?:model|weights?|checkpoint)\b(?:'s)?(?:\s+(?:size|is|are|weighs|of|takes|needs))*"
                                r"\s*(?:about|around|roughly|~)?\s*$")


_EACH = re.compile(r"\s*(?:each|apiece|a piece|per (?:gpu|card|device))\b")  # "48 GB each": per GPU, not data


# "on 2T tokens", "500B tokens of text": a training corpus in tokens, read as text at BYTES_PER_TOKEN — not a
# context ("8k tokens of context") nor a rate ("tokens per second"); at least a million tokens.
_TRAINING_TOKENS = re.compile(r"\b" + _NUMBER + r"\s*(k|m|b|t|thousand|million|billion|trillion)?\s*tokens\b"
                              r"(?!\s*(?:of\s+)?(?:context|ctx|per|/|a\s+second|each))", re.IGNORECASE)
_TOKEN_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12,
                "trillion": 1e12}
_MIN_TRAINING_TOKENS = 1e6


def _data(text: str, found: dict[str, object], notes: list[str]) -> None:
    tokens = _TRAINING_TOKENS.search(text)
    if tokens:
        count = float(tokens.group(1).replace(",", "")) * _TOKEN_SCALE.get((tokens.group(2) or "").lower(), 1.0)
        if count >= _MIN_TRAINING_TOKENS:
            found["dataset_size_gb"] = round(count * BYTES_PER_TOKEN / 1e9, 3)
            notes.append(f"{tokens.group(0)} read as {found['dataset_size_gb']:,.6g} GB of text "
                         f"({BYTES_PER_TOKEN:g} bytes per token)")
            return
    for match in _SIZE.finditer(text):
        after = re.split(r"[,;]|\.\s", text[match.end():match.end() + 40].lower())[0]  # this clause only
        before = text[max(0, match.start() - 30):match.start()].lower()
        if re.search(r"\b(vram|gpus?|memory|hbm|ram)\b", after[:20]) or _EACH.match(after) \
                or re.search(r"\bvram\b", before) \
                or _MODEL_SIZE_BEFORE.search(before) \
                or _GPU_TOKEN.search(before[-14:]) or _GPU_TOKEN.match(after[:12].lstrip()):
            continue  # "4x A100 80GB", "80 GB H100", "the model is 140GB": not data
        found["dataset_size_gb"] = round(_number(match.group(1)) * _TO_GB[match.group(2).lower()], 3)
        return


def _model(text: str, found: dict[str, object], notes: list[str]) -> None:
    match = _MODEL.search(text)
    if match:
        query = (match.group(1) + (match.group(2) or "")).strip()
        found["model_query"] = query
    params = (_PARAMS_IN_MODEL.search(match.group(0)) if match else None) or _PARAMS.search(text)
    if params:
        found["params_billions"] = _number(params.group(1)) / (1000 if params.group(2).lower() == "m" else 1)


def _options(text: str, found: dict[str, object], notes: list[str]) -> None:
    for precision, pattern in _PRECISION_RULES:
        if pattern.search(text):
            found["precision"] = precision
            break
    if _NO_SPOT.search(text):
        found["spot"] = False
    elif _SPOT.search(text):
        found["spot"] = True
    if _NO_LOCAL.search(text):
        found["use_local_cluster"] = False
    elif _LOCAL.search(text):
        found["use_local_cluster"] = True
    compliance = [name for pattern, name in _COMPLIANCE.items() if re.search(r"\b" + pattern + r"\b", text, re.I)]
    if compliance:
        found["compliance"] = compliance
    for pattern, license_need in _LICENSE:
        if pattern.search(text):
            found["license"] = license_need
            break
    components = [name for name, pattern in _COMPONENT_PATTERNS if pattern.search(text)]
    if _RETRIEVAL.search(text):
        components.append("vector-db")  # a role: the stack needs one, whichever product
    if components:
        found["components"] = list(dict.fromkeys(components))
