"""The offline requirements extractor: rules and vocabularies that turn a message into a WorkloadSpec.

No API key, no network: regular expressions for quantities (money, sizes, counts, tokens), and the
catalogs' own vocabularies for names (GPU families and aliases, cloud providers, geographies and
places, chart products). Each finding is recorded in `notes` in plain words so the user can see how
the message was read; what cannot be resolved stays in the text, it is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from stack8s_architect.catalog.charts.roles import ROLE_RULES
from stack8s_architect.catalog.compute.regions import countries_for_geography, country_for_place
from stack8s_architect.catalog.compute.service import PROVIDER_ALIASES, known_providers
from stack8s_architect.catalog.gpus.names import resolve_user_accelerator
from stack8s_architect.planning.spec import WorkloadSpec


@dataclass
class Extraction:
    spec: WorkloadSpec
    notes: list[str] = field(default_factory=list)


_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_MONEY = re.compile(
    r"(?:\$|usd\s*|us\$)\s*" + _NUMBER + r"\s*(k|m)?\b(?:\s*(?:usd|dollars))?"
    r"(?:\s*(?:/|per|a|an|each)\s*(month|mo|hour|hr|h|day|year|yr|week)\b)?"
    r"|" + _NUMBER + r"\s*(k|m)?\s*(?:usd|dollars)\b(?:\s*(?:/|per|a|an|each)\s*(month|mo|hour|hr|h|day|year|yr|week)\b)?",
    re.IGNORECASE,
)
_PRICE_CLAIM = re.compile(r"\b(costs?|priced?|prices|charges?|pays?|billed)\b[^$]{0,12}$", re.I)
_BUDGET_WORDS = re.compile(r"\b(budget|under|below|max(?:imum)?|at most|up to|no more than|spend|cap|limit)\b", re.I)
_BARE_BUDGET = re.compile(r"\bbudget\s*(?:of|is|:)?\s*" + _NUMBER + r"\s*(k|m)?\b", re.IGNORECASE)
_HOURS_PER = {"month": 1.0, "mo": 1.0, "hour": 730.0, "hr": 730.0, "h": 730.0, "day": 730.0 / 24,
              "week": 730.0 / (24 * 7), "year": 1 / 12, "yr": 1 / 12}
_SIZE = re.compile(r"\b" + _NUMBER + r"\s*(pb|tb|gb|mb|tib|gib)\b", re.IGNORECASE)
_TO_GB = {"pb": 1e6, "tb": 1e3, "gb": 1.0, "mb": 1e-3, "tib": 1024 * 1.073741824, "gib": 1.073741824}
_GPU_COUNT = re.compile(
    r"\b(\d+|one|two|three|four|six|eight|sixteen|single)\s*(?:x\s*)?(?:[a-z0-9\- ]{0,20}?)\s*gpus?\b"
    r"|\b(\d+)\s*x\s*(?=[a-z])", re.IGNORECASE)
_WORD_NUMBERS = {"one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "six": 6, "eight": 8, "sixteen": 16}
_GPU_MEMORY = re.compile(r"\b" + _NUMBER + r"\s*(?:gb|gib)\s*(?:of\s*)?(?:vram|gpu memory|memory|hbm)\b"
                         r"|\b(?:vram|gpu memory)\s*(?:of\s*)?(?:at least\s*)?" + _NUMBER + r"\s*(?:gb|gib)\b",
                         re.IGNORECASE)
_CONTEXT = re.compile(r"\b" + _NUMBER + r"\s*(k)?\s*(?:-?\s*token)?s?\s*(?:context|ctx|context window)\b"
                      r"|\bcontext\s*(?:length|window)?\s*(?:of|:)?\s*" + _NUMBER + r"\s*(k)?\b", re.IGNORECASE)
_USERS = re.compile(r"\b" + _NUMBER + r"\s*(k)?\s*(?:concurrent|simultaneous|parallel|active)?\s*(?:users|sessions|"
                    r"chats|conversations)\b", re.IGNORECASE)
_RPS = re.compile(r"\b" + _NUMBER + r"\s*(k)?\s*(?:requests?\s*(?:/|per)\s*(?:second|sec|s)\b|rps\b|qps\b)"
                  r"|\b" + _NUMBER + r"\s*(k)?\s*requests?\s*(?:/|per|a)\s*(minute|min|hour|day)\b", re.IGNORECASE)
_LATENCY = re.compile(r"\b(?:under|below|<|less than|within|p95|p99|latency(?: of)?)\s*(?:of\s*)?" + _NUMBER +
                      r"\s*(ms|milliseconds?|s|sec|seconds?)\b", re.IGNORECASE)
_PARAMS = re.compile(r"\b" + _NUMBER + r"\s*([bm])\b(?!\s*(?:tokens|rows|images|documents))", re.IGNORECASE)
_MODEL = re.compile(
    r"\b((?:meta[- ])?llama(?:[- ]?\d(?:\.\d)?(?!\d))?|mistral|mixtral|qwen[- ]?\d(?:\.\d)?(?!\d)|qwen|gemma[- ]?\d?(?!\d)|"
    r"phi[- ]?\d(?:\.\d)?(?!\d)|"
    r"deepseek(?:[- ]?(?:v\d|r\d))?|falcon|gpt[- ]?oss|yi|command[- ]r|whisper|stable diffusion|sdxl|flux|yolo\w*|"
    r"sam\b|monai|bert|clip|llava|starcoder\d?|codellama)"
    r"((?:[- ](?:\d+(?:\.\d+)?[bm]|\d+x\d+b|instruct|chat|base|large(?:-v\d)?|medium|small|tiny|coder|vl))*)",
    re.IGNORECASE)

_TASK_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fine_tuning", re.compile(r"\b(fine[- ]?tun\w*|finetun\w*|q?lora|adapter training|sft|instruction[- ]tun\w*)\b", re.I)),
    ("batch_inference", re.compile(r"\b(batch|offline scoring|every (?:day|night|hour)|nightly|per day|daily|"
                                   r"backfill|bulk)\b", re.I)),
    ("training", re.compile(r"\b(train\w*|pre-?train\w*|build (?:a|my|our) (?:\w+ )?(?:model|detector|classifier)|"
                            r"create (?:a|my|our) (?:\w+ )?(?:model|detector|classifier))\b", re.I)),
    ("inference", re.compile(r"\b(serv\w*|deploy\w*|inference|host\w*|chat ?bot|assistant|api|endpoint|run\b|"
                             r"transcrib\w*|rag)\b", re.I)),
)
_DOMAIN_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("medical_imaging", re.compile(r"\b(mri|ct scans?|x-?rays?|dicom|radiolog\w*|patholog\w*|medical imag\w*|"
                                   r"tumou?r|lung[- ]cancer|nodules?|monai|ultrasound|mammogra\w*)\b", re.I)),
    ("speech", re.compile(r"\b(speech|transcri\w*|asr|whisper|audio|call recordings?|voice|diariz\w*)\b", re.I)),
    ("image_generation", re.compile(r"\b(stable diffusion|sdxl|image generation|text[- ]to[- ]image|flux|"
                                    r"generate images)\b", re.I)),
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
_NO_SPOT = re.compile(r"\b(no spot|not spot|on-demand only|without spot|avoid spot)\b", re.I)
_LOCAL = re.compile(r"\b(on[- ]prem\w*|our own (?:cluster|hardware|gpus)|local cluster|existing cluster|"
                    r"own data ?cent(?:er|re))\b", re.I)
_COMPLIANCE = {"hipaa": "HIPAA", "gdpr": "GDPR", "soc ?2": "SOC2", "pci(?:[- ]dss)?": "PCI-DSS",
               "iso ?27001": "ISO27001", "fedramp": "FedRAMP"}
_LICENSE = ((re.compile(r"\bcommercial(?:ly)?\b(?: use)?", re.I), "commercial-use"),
            (re.compile(r"\b(permissive|apache|mit licen[cs]e)\b", re.I), "permissive"),
            (re.compile(r"\bopen[- ]?(?:source|weights?)\b", re.I), "open-weights"))
_GEOGRAPHY_WORDS = ("europe", "eu", "eea", "us", "usa", "north america", "asia", "apac", "uk", "india", "japan",
                    "south america", "latam", "middle east", "africa", "oceania", "australia", "canada")
_GPU_TOKEN = re.compile(
    r"\b((?:nvidia |amd )?(?:[abhlt]\d{1,3}[a-z]?(?:\s?(?:sxm|pcie|nvl|80 ?gb|40 ?gb|48 ?gb|24 ?gb))?|"
    r"gb\d{3}|b\d{3}|mi\d{3}x?|rtx ?(?:a|pro ?)?\d{4}(?: ?ti| ?super)?|tpu ?v\d[a-z]?|l40s?|a10g))\b", re.I)
_COMPONENTS = sorted({rule.product for rule in ROLE_RULES if rule.roles and len(rule.product) > 3
                      and rule.product.split()[0] not in {"Prometheus", "Apache", "NVIDIA", "Kubeflow", "Grafana"}},
                     key=len, reverse=True)
_COMPONENT_PATTERNS = [(p, re.compile(r"\b" + re.escape(p) + r"\b", re.I)) for p in _COMPONENTS] + [
    (name, re.compile(r"\b" + re.escape(word) + r"\b", re.I)) for word, name in (
        ("prometheus", "Prometheus"), ("grafana", "Grafana"), ("airflow", "Apache Airflow"), ("kafka", "Apache Kafka"),
        ("spark", "Apache Spark"), ("triton", "NVIDIA Triton"), ("kubeflow", "Kubeflow Pipelines"), ("ray", "KubeRay"))]


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
    return Extraction(WorkloadSpec(**found), notes)


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
    for match in _MONEY.finditer(text):
        amount = match.group(1) or match.group(4)
        suffix = match.group(2) or match.group(5)
        period = (match.group(3) or match.group(6) or "").lower()
        before = text[max(0, match.start() - 40):match.start()]
        if _PRICE_CLAIM.search(before) or (not period and not _BUDGET_WORDS.search(before)):
            continue  # a price quoted or claimed ("an H100 costs $2"), not a budget: prices come from the catalog
        monthly = _number(amount, suffix) * _HOURS_PER.get(period or "month", 1.0)
        found["budget_usd_per_month"] = round(monthly, 2)
        if period in {"hour", "hr", "h", "day", "week", "year", "yr"}:
            notes.append(f"budget {match.group(0).strip()} read as ${monthly:,.0f} per month (730 hours)")
        return
    bare = _BARE_BUDGET.search(text)
    if bare:
        found["budget_usd_per_month"] = _number(bare.group(1), bare.group(2))
        notes.append(f"budget {bare.group(0).strip()} read as US dollars per month")


def _gpus(text: str, found: dict[str, object], notes: list[str]) -> None:
    names: list[str] = []
    for match in _GPU_TOKEN.finditer(text):
        token = match.group(1)
        if re.fullmatch(r"[abhlt]\d{1,2}", token, re.I) and token.upper() not in {"A10", "H100", "L4", "T4", "B200"}:
            continue  # "a1", "t5": not accelerators
        if resolve_user_accelerator(token) and token.upper() not in {n.upper() for n in names}:
            names.append(token.upper().replace("NVIDIA ", "").replace("AMD ", ""))
    if names:
        found["gpu_names"] = names
    count = _GPU_COUNT.search(text)
    if count:
        raw = (count.group(1) or count.group(2) or "").lower()
        found["gpu_count"] = _WORD_NUMBERS.get(raw) or int(raw)
    memory = _GPU_MEMORY.search(text)
    if memory:
        found["min_gpu_memory_gib"] = float((memory.group(1) or memory.group(2)).replace(",", ""))


_AMBIGUOUS_PROVIDERS = {"vast": ("vast.ai", "vastai", "vast ai")}  # "a vast dataset" is not a cloud


def _places(text: str, found: dict[str, object], notes: list[str]) -> None:
    lowered = text.lower()
    providers: list[str] = []
    for name in (*known_providers(), *PROVIDER_ALIASES):
        spellings = _AMBIGUOUS_PROVIDERS.get(name, (name,))
        if any(re.search(r"\b" + re.escape(s) + r"(?![\w-])", lowered) for s in spellings):
            provider = PROVIDER_ALIASES.get(name, name)
            if provider not in providers:
                providers.append(provider)
    if providers:
        found["providers"] = providers
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
        found["context_length"] = int(tokens * 1.024) if suffix and tokens % 1000 == 0 and tokens >= 4000 else int(tokens)


def _data(text: str, found: dict[str, object], notes: list[str]) -> None:
    for match in _SIZE.finditer(text):
        after = text[match.end():match.end() + 40].lower()
        before = text[max(0, match.start() - 30):match.start()].lower()
        if re.search(r"\b(vram|gpu|memory|hbm|ram)\b", after[:20]) or "vram" in before:
            continue
        found["dataset_size_gb"] = round(_number(match.group(1)) * _TO_GB[match.group(2).lower()], 3)
        return


def _model(text: str, found: dict[str, object], notes: list[str]) -> None:
    match = _MODEL.search(text)
    if match:
        query = (match.group(1) + (match.group(2) or "")).strip()
        found["model_query"] = query
    params = _PARAMS.search(match.group(0)) if match and _PARAMS.search(match.group(0)) else _PARAMS.search(text)
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
    if _LOCAL.search(text):
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
