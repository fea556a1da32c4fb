"""The offline requirements extractor: rules and vocabularies that turn a message into a WorkloadSpec.

No API key, no network: regular expressions for quantities (money, sizes, counts, tokens), and the
catalogs' own vocabularies for names (GPU families and aliases, cloud providers, geographies and
places, chart products). Each finding is recorded in `notes` in plain words so the user can see how
the message was read; what cannot be resolved stays in the text, it is never guessed.
"""

from __future__ import annotations

import datetime
import re
from functools import lru_cache
from dataclasses import dataclass, field

from pydantic import ValidationError

from stack8s_architect.agents.normalize import normalize
from stack8s_architect.agents.polarity import negated, negated_after
from stack8s_architect.catalog.charts.roles import component_vocabulary
from stack8s_architect.catalog.compute.regions import countries_for_geography, country_for_place, is_country_name
from stack8s_architect.catalog.compute.service import PROVIDER_ALIASES, known_providers
from stack8s_architect.catalog.gpus.names import resolve_user_accelerator
from stack8s_architect.catalog.gpus.specs import ACCELERATOR_SPECS
from stack8s_architect.planning.shapes import GB_PER_AUDIO_HOUR, GB_PER_IMAGE
from stack8s_architect.planning.sizing_step import BYTES_PER_TOKEN
from stack8s_architect.planning.spec import SUBJECT_DOMAINS, WorkloadSpec


@dataclass
class Extraction:
    spec: WorkloadSpec
    notes: list[str] = field(default_factory=list)
    out_of_range: dict[str, float] = field(default_factory=dict)  # said, but beyond anything that can be sized
    retracted: dict[str, list[str]] = field(default_factory=dict)  # list items said not to apply ("not HIPAA")

    @property
    def warnings(self) -> list[str]:
        """The notes about something said that could not be used (invalid values, other currencies)."""
        return [note for note in self.notes if note.startswith(_WARNING_PREFIXES)]


_WARNING_PREFIXES = ("ignored ", "amounts in other currencies", "not in the compute catalog")


# Bounded, and never starting inside a longer number: linear-time matching, no overflowing values.
_NUMBER = r"(?<![\d.])(?<!\d,)(\d{1,3}(?:,\d{3}){1,3}|\d{1,9}(?:\.\d{1,6})?)(?!\d|,\d)"
_PRICE_CLAIM = re.compile(r"\b(costs?|priced?|prices|charges?|charging|billed|is|are|quoted|quote|pay(?:ing)?|paid|"
                          r"averaged|bill|invoice|spent|were spending|used to spend|"
                          r"go(?:es)? for|rents? for|runs?|at)\b[^$]{0,12}$", re.I)
_OTHER_CURRENCY = re.compile(r"[€£¥]\s*\d|\d\s*(?:k\s*)?(?:[€£¥]|eur\b|euros?\b|gbp\b|pounds?\b)", re.I)
_BUDGET_WORDS = re.compile(r"(?:<=?|≤)\s*$|\b(budget|under|below|max(?:imum)?|at most|up to|no more than|spend|spending|cap|capped|"
                           r"limit|funding|funds|approval|approved|allocated|afford|said|within|less than|keep it|"
                           r"(?:can|could|willing to|happy to|able to) pay)\b",
                           re.I)
_TO_MONTHLY = {"month": 1.0, "hour": 730.0, "day": 730.0 / 24, "week": 730.0 / (24 * 7), "year": 1 / 12}
_SIZE = re.compile(r"\b" + _NUMBER + r"\s*(pb|tb|gb|mb|tib|gib)\b", re.IGNORECASE)
_TO_GB = {"pb": 1e6, "tb": 1e3, "gb": 1.0, "mb": 1e-3, "tib": 1024 * 1.073741824, "gib": 1.073741824}
_WORD_NUMBERS = {"one": 1, "single": 1, "a single": 1, "two": 2, "a pair of": 2, "pair of": 2, "a couple of": 2,
                 "couple of": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                 "ten": 10, "twelve": 12, "sixteen": 16, "thirty-two": 32, "sixty-four": 64}
_COUNT_WORD = (r"(?<![\d.,\w])(\d{1,6}|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + ")")
_GPU_MEMORY = re.compile(r"\b" + _NUMBER + r"\s*(?:gb|gib)\s*(?:of\s*)?(?:vram|gpu memory|memory|hbm)\b"
                         r"|\b(?:vram|gpu memory)\s*(?:of\s*)?(?:at least\s*)?" + _NUMBER + r"\s*(?:gb|gib)\b",
                         re.IGNORECASE)
# "4 GPUs with 48 GB each", "GPUs of 80GB apiece": memory per GPU, said of GPUs in the same clause
_PER_GPU_MEMORY = re.compile(r"\b(?:gpus?|cards?|(?:[abhlt]\d{1,3}[a-z]?|mi\d{3}x?|rtx ?\d{4})s?)\b[^.;]{0,30}?\b" + _NUMBER + r"\s*(?:gb|gib)\s*(?:of\s*(?:vram|memory)\s*)?"
                             r"(?:each|apiece|per (?:gpu|card|device)|a piece)\b", re.IGNORECASE)
_PER_CARD_MEMORY = re.compile(
    r"\b" + _NUMBER + r"\s*(?:gb|gib)\s*(?:of\s*(?:vram|memory)\s*)?(?:per|each|a|/)\s*(?:card|gpu|device|accelerator)\b"
    r"|\b(?:gpus?|cards?)\s+with\s+(?:at least\s+|min(?:imum)?\s+|>=?\s*)?" + _NUMBER + r"\s*(?:gb|gib)\b"
    r"|\b(?:only\s+)?" + _NUMBER + r"\s*(?:gb|gib)\s+(?:cards|gpus)\b"
    r"|\bany gpu with\s+" + _NUMBER + r"\s*(?:gb|gib)", re.IGNORECASE)
_CONTEXT = re.compile(r"\b" + _NUMBER + r"\s*(k)?\s*(?:-?\s*token)?s?\s*(?:of\s+)?(?:context|ctx|context window)\b"
                      r"|\b(?:context|ctx)\s*(?:length|window)?\s*(?:of|:|->|→|=|to|at|is|must be|should be|needs to be|"
                      r"at least|of at least|>=?)?\s*(?:at least\s*)?" + _NUMBER + r"\s*(k)?\b", re.IGNORECASE)
_PEOPLE = (r"(?:users|people|ppl|persons|folks|employees|staff|colleagues|coworkers|co-workers|customers|clients|"
           r"members|agents|analysts|lawyers|attorneys|paralegals|doctors|physicians|clinicians|nurses|radiologists|"
           r"sonographers|pathologists|engineers|developers|devs|programmers|coders|students|researchers|"
           r"designers|artists|writers|editors|readers|reps|representatives|callers|operators|testers|teachers|seats|"
           r"traders|accountants|recruiters|marketers|salespeople|advisors|adjusters|underwriters|support agents|"
           r"sessions|chats|conversations|streams|channels|concurrent calls)")
_USERS = re.compile(r"\b" + _NUMBER + r"\s*(k)?\s*(?:concurrent|simultaneous|parallel|active|internal|external)?\s*"
                    r"(?:[a-z]+\s+){0,2}?" + _PEOPLE + r"\b(?!\s+in the (?:crm|database))", re.IGNORECASE)
# "100 chatting at the same time", "300 concurrent at peak", "peak concurrency is around 2,000": said of load, these
# win over head counts ("10,000 customers in the CRM, maybe 100 at once"); totals are not load ("8k daily users").
_USERS_AT_ONCE = re.compile(
    r"\b" + _NUMBER + r"\s*(k)?\s+(?:(?!rps|qps|requests?|reqs?|queries|tokens|calls)[a-z]+\s+){0,5}?"
    r"(?:at once|at the same time|simultaneously|concurrently|"
    r"concurrent(?! requests)|in parallel|at a time|at peak)\b"
    r"|\b(?:peak )?concurren(?:cy|t users)\s+(?:is\s+|of\s+)?(?:around\s+|about\s+|~\s*)?" + _NUMBER + r"\s*(k)?\b"
    r"|\busers:\s*~?\s*" + _NUMBER + r"\s*(k)?\b"
    r"|\b(?:team|group|company|startup|firm|staff|department) of\s+(?:about\s+|around\s+|~\s*)?" + _NUMBER + r"\b"
    r"|\b" + _NUMBER + r"[- ](?:person|people|man|strong)\s+(?:\w+\s+)?(?:team|company|startup|firm|shop|office)\b"
    r"|\ball\s+" + _NUMBER + r"\s+of\s+(?:us|them)\b"
    r"|\b" + _NUMBER + r"\s+(?:[a-z]+\s+){0,3}?(?:would|will) be using it\b",
    re.IGNORECASE)
_NOT_LOAD = re.compile(r"\s*(?:daily|monthly|weekly|registered|total|signed[- ]up|unique|active monthly)\b", re.I)
_RPS = re.compile(r"\b" + _NUMBER + r"\s*(k|m)?\s*(?:(?:requests?|reqs?|queries|calls|times)\s*(?:/|per|a)\s*"
                  r"(?:second|sec|s)\b|rps\b|qps\b)"
                  r"|\b" + _NUMBER + r"\s*(k|m)?\s*(?:requests?|reqs?|queries|calls|times|req)\s*(?:/|per|a|an|each)\s*"
                  r"(minute|min|hour|hr|day)\b", re.IGNORECASE)
# "3k daily support chats", "50k customer questions a day": conversations people start, a rate to serve
_INTERACTION_WORDS = "chats|conversations|questions|messages|sessions|requests|queries|calls|prompts"
_INTERACTIONS = f"(?:{_INTERACTION_WORDS})"
# "daily" that counts people or their conversations ("3k daily support chats") is a rate, not a schedule
_DAILY_NOT_A_SCHEDULE = r"(?!\s+(?:[\w-]+\s+){0,2}?(?:users|visitors|customers|" + _INTERACTION_WORDS + r")\b)"
_DAILY_RATE = re.compile(r"\b" + _NUMBER + r"\s*(k|m)?\s+(?:daily|a day|per day)\s+(?:[\w-]+\s+){0,2}?" + _INTERACTIONS
                         + r"\b|\b" + _NUMBER + r"\s*(k|m)?\s+(?:[\w-]+\s+){0,2}?" + _INTERACTIONS
                         + r"\s+(?:a|per|each|every)\s+day\b", re.IGNORECASE)
_LATENCY = re.compile(r"(?:\b(?:under|below|less than|within|p95|p99|p50|latency(?: of| target| goal| budget)?|"
                      r"target|max|at most|no more than|not more than)|<)\s*(?:of\s*|is\s*|:\s*|to\s*|at\s*|=\s*)?(?:around\s*|about\s*|~\s*)?" + _NUMBER +
                      r"\s*(ms|milliseconds?|s|sec|seconds?)\b", re.IGNORECASE)
# "8B", "1.5B model": billions anywhere; millions ("350M") only inside a model mention — "1.2M/year" is money.
_PARAMS = re.compile(r"(?<![$€£])\b" + _NUMBER + r"\s*(b)(?:illion)?\b(?!\s*(?:tokens|rows|images|documents|"
                     r"requests|users|dollars|usd))", re.IGNORECASE)
_PARAMS_MILLIONS = re.compile(r"\b" + _NUMBER + r"\s*(m)(?:illion)?\b(?=\s*(?:-?\s*param\w*|[\w-]*\s*(?:model|classifier|"
                              r"encoder|detector|reranker)|\)))",
                              re.IGNORECASE)
_PARAMS_IN_MODEL = re.compile(r"\b" + _NUMBER + r"\s*([bm])\b", re.IGNORECASE)
_MODEL = re.compile(
    r"\b((?:meta[- ])?llama(?:[- ]?\d(?:\.\d)?(?!\d))?|mistral|mixtral|qwen[- ]?\d(?:\.\d)?(?!\d)|qwen|gemma[- ]?\d?(?!\d)|"
    r"phi[- ]?\d(?:\.\d)?(?!\d)|"
    r"deepseek(?:[- ]?(?:v\d|r\d))?|falcon|gpt[- ]?oss|yi|command[- ]r|whisper|stable diffusion(?: xl| 3(?:\.5)?)?|sdxl|flux|yolo\w*|"
    r"monai|bert|clip|llava|starcoder\d?|codellama|resnet[- ]?\d*|vit|bge(?:-[a-z0-9]+)*|"
    # embedding families as people write them: "E5 large", "multilingual-e5-large", "GTE base", "gte-Qwen2"
    r"(?:multilingual-)?e5(?:[- ](?:large|base|small|mistral)[a-z0-9.-]*)+|"
    r"nomic-embed(?:-[a-z]+)*|gte(?:[- ](?:large|base|small|qwen|multilingual)[a-z0-9.-]*)+)(?![a-z])"
    r"((?:[- ](?:\d+(?:\.\d+)?[bm]|\d+x\d+b|instruct|chat|base|large(?:-v\d)?|medium|small|tiny|coder|vl))*)",
    re.IGNORECASE)

_TASK_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("fine_tuning", re.compile(r"\b(fine[- ]?tun\w*|finetun\w*|q?lora|adapter training|sft|instruction[- ]tun\w*)\b", re.I)),
    # "train"/"training", not "trained" ("serve our already-trained model") nor "train of thought"
    ("training", re.compile(r"\b((?:pre-?|re)?train(?:ing|s)?\b(?! of thought)|retrain\w*|"
                            r"(?:want|need|get|have) (?:it|them|this|the model) trained|build (?:a|my|our) (?:\w+ )?(?:model|detector|classifier)|"
                            r"create (?:a|my|our) (?:\w+ )?(?:model|detector|classifier))\b", re.I)),
    ("batch_inference", re.compile(r"\b(batch|offline (?:scoring|classification|inference|processing|job)|one-off|one-?time|"
                                   r"(?:transcribe|embed|score|process|caption|classify|label|tag)\b[^.;!?]{0,60}?(?<!\bat )\bonce\b"
                                   r"(?!\s+(?:we|it|they|you|i|our|that|this|the|done|deployed|ready|live|trained))|"
                                   r"once (?:over|for)|"
                                   r"every (?:day|night|hour|week|month)|nightly|weekly|once a (?:day|week|month)|"
                                   r"daily" + _DAILY_NOT_A_SCHEDULE + r"|"
                                   r"backfill|bulk|overnight|"
                                   # "summarize 1 million tickets", "classify all 200k emails": work on a stated pile
                                   r"(?:summari[sz]\w*|classif\w*|translat\w*|extract\w*|label\w*|tag|tagging|caption\w*|"
                                   r"annotat\w*|moderat\w*|rewrit\w*|transcrib\w*|process|score)\s+(?:all\s+(?:of\s+)?)?"
                                   r"(?:our\s+|the\s+|these\s+|those\s+)?(?:~|≈|about\s+|around\s+|roughly\s+|some\s+|over\s+)?"
                                   r"\d[\d,.]*\s*(?:k|m|million|thousand|billion|bn)?"
                                   r"(?!\s*(?:requests?|queries|calls|users|rps|qps|tokens?\s*(?:/|per)|live\b|(?:[\w-]+\s+){0,2}?streams?\b|"
                                   r"concurrent|simultaneous|parallel|channels?\b|agents\b|callers\b|people\b))"
                                   r"(?![^.;,]{0,30}\bper\s+(?:second|sec|minute|min|s)\b))\b", re.I)),
    ("inference", re.compile(r"\b(serv\w*|deploy\w*|inference|host\w*|chat ?bot|bot|assistant|api|endpoint|run\b|"
                             r"transcrib\w*|rag)\b", re.I)),
)
_DOMAIN_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("medical_imaging", re.compile(r"\b(mris?|ct scans?|spine|vertebra\w*|fractures?|x-?rays?|dicom|radiolog\w*|patholog\w*|medical imag\w*|"
                                   r"tumou?r|lung[- ]cancer|nodules?|monai|ultrasound|mammogra\w*|dermatolog\w*|"
                                   r"resonancia|röntgen\w*|radiograph\w*|whole-slide|histolog\w*|retina\w*|colonoscop\w*|endoscop\w*|polyps?|"
                                   r"pneumonia|ophthalm\w*|fundus|echocardiogra\w*|"
                                   r"ct (?:volumes|images|data|studies)|medical scans)\b", re.I)),
    ("tabular", re.compile(r"\b(tabular|xgboost|lightgbm|catboost|forecast\w*|time series|gradient boost\w*|"
                           r"churn|credit scoring|fraud detection|transactions)\b", re.I)),
    ("embeddings", re.compile(r"\b(embedding (?:service|api|endpoint|job)|embeddings? (?:for|of)|embed\b|"
                              r"generat\w+ (?:of )?embeddings|semantic search|sentence embeddings?|bge\S*|e5-\S+|"
                              r"nomic-embed\S*|gte-\S+|reranker)\b", re.I)),
    ("embeddings-weak", re.compile(r"\b(embedding model|embeddings?)\b", re.I)),
    ("speech", re.compile(r"\b(speech|transcri(?:be|bed|bes|bing|ption|ptions|ber)\b|asr|whisper|audio|call recordings?|voice|diariz\w*)\b", re.I)),
    ("image_generation", re.compile(r"\b(stable diffusion|sdxl|image generation|text[- ]to[- ]image|flux|"
                                    r"generate images|diffusion models?|image generator)\b", re.I)),
    ("multimodal", re.compile(r"\b(vision[- ]language|multimodal|multi-modal|llava\S*|vlm|qwen2?(?:\.5)?-vl\S*|"
                              r"pixtral|screenshots?|document understanding|idefics\S*|paligemma)\b", re.I)),
    ("vision", re.compile(r"\b(computer vision|object detection|detect(?:ion|or)?|image classification|segmentation|"
                          r"yolo\w*|images?|video|camera|ocr|vit\b|resnet\S*|defects?|footage|frames|photos)\b", re.I)),
    ("llm", re.compile(r"\b(llm|language model|command[- ]r\S*|(?:llama|mistral|mixtral|qwen|gemma|deepseek|gpt)\w*|phi-?\d|chat ?bot|rag|"
                       r"assistant|text generation|summari[sz]\w*|tickets?|documents?|copilot)\b", re.I)),
)
_PRECISION_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("int4", re.compile(r"\b(4[- ]?bits?|int4|awq|gptq|q4_\w+|q4km|q4 quant\w*|nf4)\b", re.I)),
    ("fp8", re.compile(r"\b(fp8|8[- ]?bit float)\b", re.I)),
    ("int8", re.compile(r"\b(8[- ]?bits?|int8)\b", re.I)),
    ("fp16", re.compile(r"\b(fp16|half precision)\b", re.I)),
    ("bf16", re.compile(r"\b(bf16|bfloat16)\b", re.I)),
)
_METHOD = (("qlora", re.compile(r"\bq-?lora\b", re.I)), ("lora", re.compile(r"(?<!q)(?<!q-)\blora\b", re.I)),
           ("full", re.compile(r"\bfull(?:[- ]parameter)? (?:fine[- ]?tun\w*|finetun\w*|parameters?|training|"
                               r"weights?)\b|\b(?:every|all(?: the)?) (?:weights?|parameters?)\b", re.I)))
_DOCUMENTS = (r"(?:[\w$,.'~≈-]+\s+){0,4}?(?:documents?|docs|pdfs?|files|wiki|confluence|sharepoint|manuals?|contracts?|"
              r"polic(?:y|ies)|handbooks?|notes|tickets|emails|papers|reports|knowledge)\b")
_RETRIEVAL = re.compile(r"\b(rag|retrieval[- ]augmented|vector (?:search|database|db|store)|semantic search|"
                        r"knowledge base)\b"
                        # a chatbot or assistant answering from the user's own documents is retrieval too:
                        # "a private chatbot over 5k PDFs", "an assistant on our internal wiki", "chat with our docs"
                        r"|\b(?:chat ?bots?|assistants?|copilots?|q ?& ?a|question[- ]answering|answers? questions)\b"
                        r"[^.?!;]{0,40}?\b(?:over|on|from|about|across|using|with|grounded in)\s+" + _DOCUMENTS +
                        r"|\bchat(?:ting)? with\s+" + _DOCUMENTS, re.I)
_SPOT = re.compile(r"(?<!\bto )(?<!\bcan )(?<!\bthat )(?<!\bwhich )(?<!\bwill )(?<!\bcould )"
                   r"\b(spot|preemptible|pre-emptible|interruptible)\b(?![- ]check|[- ]on\b)", re.I)
_ON_DEMAND = re.compile(r"\b(on[- ]demand|reserved instances?|non-?spot|uninterrupt\w*)\b", re.I)


def _ruled_out(text: str, match: re.Match[str]) -> bool:
    return negated(text, match.start()) or negated_after(text, match.end())


def first_wanted(text: str, rules: tuple[tuple[str, re.Pattern[str]], ...], *, last: bool = False) -> str | None:
    """The value of the first (or last) mention, in text order, that is not ruled out ("int8, not 4-bit" → int8;
    "a full fine-tune is too expensive, so QLoRA" → the last: qlora)."""
    mentions = sorted((match.start(), value) for value, pattern in rules for match in pattern.finditer(text)
                      if not _ruled_out(text, match))
    return mentions[-1 if last else 0][1] if mentions else None


def spot_wanted(text: str) -> bool | None:
    """True for spot wanted, False for spot ruled out or on-demand asked for, None when unsaid; ruled out wins."""
    said = [not _ruled_out(text, match) for match in _SPOT.finditer(text)]
    if (said and not all(said)) or any(not _ruled_out(text, match) for match in _ON_DEMAND.finditer(text)):
        return False
    return True if said else None
_LOCAL = re.compile(r"\b(on[- ]prem\w*|(?:our|my) own (?:\w+ ){0,2}(?:cluster|hardware|gpus|servers?|machines|boxes|"
                    r"rtx \d{4}s?|\d{4}s|data ?cent(?:er|re))|local (?:\w+ )?cluster|existing cluster|in[- ]house (?:gpus|"
                    r"servers|cluster|hardware)|at home|own data ?cent(?:er|re))\b", re.I)
_NO_LOCAL = re.compile(r"\b(cloud[- ]only|only (?:in|on) the cloud|(?:off|away from) (?:our|the) (?:\w+ )?(?:cluster|"
                       r"hardware|servers)|(?:not|instead of|avoid|rather than|without|no|never)"
                       r"(?:\s+(?:on|use|using|in|our|the|a|an|any|own|local|existing))*\s+(?:on[- ]prem\w*|local "
                       r"cluster|own (?:cluster|hardware|gpus)|existing cluster|cluster|hardware)|(?:don'?t|do not|never) "
                       r"(?:use|have|want)(?:\s+(?:our|the|a|an|any|own|local|existing))*\s+(?:on[- ]prem\w* )?"
                       r"(?:cluster|gpus|hardware))\b", re.I)
_COMPLIANCE = {"hipaa": "HIPAA", "gdpr|rgpd|dsgvo": "GDPR", "soc ?2": "SOC2", "pci(?:[- ]dss)?": "PCI-DSS",
               "iso ?27001": "ISO27001", "fedramp": "FedRAMP"}
_LICENSE = ((re.compile(r"\bcommercial(?:ly(?: usable)?|[- ](?:use|usage|purposes?|licen[cs]e|products?|"
                       r"deployment|application|apps?|customers))\b", re.I), "commercial-use"),
            (re.compile(r"\b(permissive|apache[- ]2(?:\.0)?|apache licen[cs]e|mit licen[cs]e|apache\s*/\s*mit|"
                        r"mit\s*/\s*apache|apache or mit|mit or apache)\b", re.I), "permissive"),
            (re.compile(r"\bopen[- ]?(?:source|weights?)\b", re.I), "open-weights"))
_GEOGRAPHY_WORDS = ("europe", "eu", "eea", "us", "usa", "north america", "asia", "apac", "uk", "india", "japan",
                    "south america", "latam", "middle east", "africa", "oceania", "australia", "canada")
_GPU_BASE = (r"(?:[345]0[6-9]0(?: ?ti)?(?=\s*(?:s\b|gpus?|cards?|has|have|with|for|on|in|and|or|is|are|instead|"
             r"please|would|will|to|,|\.|\?|$))|[abhlt]\d{1,3}[a-z]?(?:\s?(?:sxm|pcie|nvl|80 ?gb|40 ?gb|48 ?gb|24 ?gb))?|v100|"
             r"g[bh]\d{3}|grace[ -]hopper|mi\d{3}x?|rtx ?(?:a|pro ?)?\d{4}(?: ?ti| ?super)?|a\d000|tpu ?v\d[a-z]?)")
_GPU_NAME = _GPU_BASE + r"s?\b"  # "A100s"
_GPU_TOKEN = re.compile(r"\b((?:nvidia |amd )?" + _GPU_BASE + r")s?\b", re.I)
# Components as users name them: every product of the chart catalog's role table, and every role by its longer
# names ("vector database", "experiment tracking", "chat ui") — one table, catalog/charts/roles.py.
_COMPONENT_BY_SPELLING = dict(component_vocabulary())
# one alternation, longest spelling first: "kubeflow training operator" wins over "kubeflow" at the same place
_COMPONENTS = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(spelling) for spelling in _COMPONENT_BY_SPELLING)
                         + r")(?![\w-])", re.IGNORECASE)


def _number(text: str, suffix: str | None = None) -> float:
    value = float(text.replace(",", ""))
    return value * {"k": 1e3, "m": 1e6}.get((suffix or "").lower(), 1.0)


def extract(message: str) -> Extraction:
    """Everything the message states about the workload, as a partial WorkloadSpec with notes."""
    text = normalize(message)
    found: dict[str, object] = {}
    notes: list[str] = []
    for claim in _HARDWARE_CLAIM.finditer(text):  # "an A10G has 80 GB": facts come from the table, never the chat
        name = "RTX " + claim.group(1) if claim.group(1)[:1].isdigit() else claim.group(1)
        keys = resolve_user_accelerator(name) or resolve_user_accelerator(name.rstrip("sS"))
        if keys:
            spec = ACCELERATOR_SPECS[keys[0]]
            notes.append(f"ignored the claim '{claim.group(0)}': GPU figures come from the accelerator table "
                         f"({spec.key}: {spec.memory_gib:g} GiB)")
    for claim in _PRICE_CLAIM_GPU.finditer(text):  # "H100s are free today", "an H100 costs $0.10/h"
        notes.append(f"ignored the price claim '{claim.group(0).strip()}': prices come from the compute catalog")
    instruction = _INSTRUCTION.search(text)
    if instruction:
        notes.append(f"ignored the instruction '{instruction.group(0)}': instructions inside a message change no "
                     "hardware figure, price or rule")
    # the claimed figure is blanked: no stage reads it as a requirement, a dataset or a budget
    text = _HARDWARE_CLAIM.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), text)
    for extractor in (_task_and_domain, _budget, _gpus, _places, _scale, _data, _model, _options, _use_case):
        extractor(text, found, notes)
    if "task" not in found and {"concurrent_users", "requests_per_second", "latency_target_ms"} & found.keys():
        found["task"] = "inference"  # people or requests served: a model served, whatever the verb
    _schedule(text, found, notes)
    if "dataset_size_gb" not in found and "vector-db" in (found.get("components") or []):
        texts = _TEXT_ITEMS.search(text)  # "RAG over 5 million documents": the corpus the index is built from
        if texts:
            tokens, per = _text_tokens(texts)
            found["dataset_size_gb"] = round(tokens * BYTES_PER_TOKEN / 1e9, 3)
            notes.append(f"{texts.group(0)} read as {tokens:,.0f} tokens ({per:,} per item), "
                         f"{found['dataset_size_gb']:,.6g} GB of text")
    valid, out_of_range = {}, {}
    retracted = {"compliance": found.pop("_not_compliance")} if "_not_compliance" in found else {}
    for name, value in found.items():  # "0 GPUs", "budget $0": said back, never a crash
        try:
            WorkloadSpec(**{name: value})
        except ValidationError:
            notes.append(f"ignored {name.replace('_', ' ')} = {value}: it must be a positive value")
            continue
        if name in LIMITS and isinstance(value, (int, float)) and value > LIMITS[name]:
            out_of_range[name] = value  # "200,000k users", "a 999,999,999B model": asked about, never sized
            notes.append(f"ignored {name.replace('_', ' ')} = {value:,.0f}: beyond what can be sized "
                         f"(at most {LIMITS[name]:,.0f})")
            continue
        valid[name] = value
    return Extraction(WorkloadSpec(**valid), notes, out_of_range, retracted)


# The largest values a plan can be made for; a value said beyond them is read back and asked about. Generous:
# the largest public models are ~2T parameters, the largest clusters ~100k GPUs, the largest chat services
# ~10M people at once.
LIMITS: dict[str, float] = {
    "params_billions": 20_000, "concurrent_users": 10_000_000, "requests_per_second": 10_000_000,
    "gpu_count": 100_000, "context_length": 10_000_000, "dataset_size_gb": 100_000_000,
    "min_gpu_memory_gib": 2_048, "budget_usd_per_month": 1_000_000_000, "latency_target_ms": 3_600_000,
}


_GENERATES = re.compile(r"\b(rag|assistant|chat ?bot|retrieval[- ]augmented|answers? questions|copilot|generat\w+ "
                        r"(?:answers|text|replies))\b", re.I)


def _task_and_domain(text: str, found: dict[str, object], notes: list[str]) -> None:
    for task, pattern in _TASK_RULES:
        if any(not _ruled_out(text, match) for match in pattern.finditer(text)):  # "no training, only serve it"
            found["task"] = task
            break
    for domain, pattern in _DOMAIN_RULES:
        if domain == "embeddings-weak" and _GENERATES.search(text):
            continue  # "a RAG assistant with an 8B model and an embedding model": the LLM is the workload
        if pattern.search(text):
            found["domain"] = domain.removesuffix("-weak")
            break
    method = first_wanted(text, _METHOD, last=True)
    if method:
        found["fine_tuning_method"] = method
        found.setdefault("task", "fine_tuning")


def _budget(text: str, found: dict[str, object], notes: list[str]) -> None:
    if _OTHER_CURRENCY.search(text):
        notes.append("amounts in other currencies are not converted: give the budget in US dollars")
    for match in _AMOUNT.finditer(text):
        budget = _budget_of(text, match)
        if budget is None:
            continue
        monthly, period, currency = budget
        found["budget_usd_per_month"] = round(monthly, 2)
        if period != "month" or not currency:
            notes.append(f"{match.group(0).strip()} read as ${monthly:,.0f}{'' if currency else ' (US dollars)'} per "
                         f"month" + (" (730 hours)" if period in {"hour", "day", "week"} else ""))
        return


# An amount of money: "$25,000", "25k", "USD 25k", "25 000 $", "12k dollars", with the period it is per.
_AMOUNT = re.compile(
    r"(?:(?P<sign>\$|us\$|usd\s*)\s*" + _NUMBER.replace("(\\d", "(?P<a>\\d", 1) + r"\s*(?P<ak>k|m)?\b"
    r"|" + _NUMBER.replace("(\\d", "(?P<b>\\d", 1) + r"\s*(?P<bk>k|m)?\s*(?P<unit>\$|usd\b|dollars?\b|bucks\b)"
    r"|" + _NUMBER.replace("(\\d", "(?P<c>\\d", 1) + r"\s*(?P<ck>k|m)\b"
    r"|(?<=budget)\s*(?:of|is|:|=)?\s*" + _NUMBER.replace("(\\d", "(?P<d>\\d", 1) + r"\s*(?P<dk>k|m)?\b)"
    r"(?:\s*(?:usd|dollars|bucks)\b)?"
    r"(?:\s*(?:is|are)?\s*(?:/|per|a|an|each|every)?\s*(?P<period>month|mo|hour|hr|h|day|year|yr|week|monthly|yearly|"
    r"annually|weekly|daily|hourly)\b)?", re.IGNORECASE)
_PERIOD_WORDS = {"monthly": "month", "mo": "month", "yearly": "year", "annually": "year", "yr": "year",
                 "weekly": "week", "daily": "day", "hourly": "hour", "hr": "hour", "h": "hour"}
_COUNTED_AFTER = re.compile(r"\s*(?:ms|milliseconds?|seconds?|secs?|s)\b|\s*(?:[a-z-]+\s+){0,2}(?:users|people|requests|queries|calls|visitors|images|tokens|"
                            r"documents|rows|messages|sessions|customers|employees|hours|records|files|"
                            r"chats|conversations|dialogues|tickets|emails|questions|prompts|interactions|transactions|"
                            r"orders|predictions|inferences|jobs|videos|clips|photos|pictures|samples|examples|articles|"
                            r"pages|reviews|posts|comments|events|searches|lookups|scans|transcripts|"
                            r"gb|tb|context|ctx|revenue|in revenue|income|sales|arr|profit|valuation)\b", re.I)
_ANNUAL_BEFORE = re.compile(r"\b(?:annual|yearly|per year|a year|each year)\b", re.I)


def _budget_of(text: str, match: re.Match[str]) -> tuple[float, str, bool] | None:
    """(US dollars per month, the period said, whether a currency was said) for an amount that is a budget."""
    number = match.group("a") or match.group("b") or match.group("c") or match.group("d")
    suffix = match.group("ak") or match.group("bk") or match.group("ck") or match.group("dk")
    currency = bool(match.group("sign") or match.group("unit"))
    period = _PERIOD_WORDS.get((match.group("period") or "").lower(), (match.group("period") or "").lower())
    after = text[match.end():match.end() + 30]
    if _COUNTED_AFTER.match(after) or (not match.group("period") and _COUNTED_AFTER.match(text[match.end():])):
        return None  # "8k daily users", "100k requests": counts, not money
    if _OTHER_CURRENCY.search(text[max(0, match.start() - 2):match.end() + 8]):
        return None  # "20 000 € per month": not converted (said in the notes)
    before = text[max(0, match.start() - 40):match.start()]
    if re.search(r"\b(?:latency|time|response|token)\s+budget\W*(?:of|is|:)?\s*$", before, re.I):
        return None  # "a latency budget of 50 ms": time, not money
    budget_said = bool(_BUDGET_WORDS.search(before[-28:]))
    if _PRICE_CLAIM.search(before) and not budget_said:
        return None  # a price quoted ("an H100 costs $2/h", "quoted $1.99/h"): prices come from the catalog
    if not period:
        if not budget_said:
            return None
        period = "year" if _ANNUAL_BEFORE.search(before) else "month"
    elif period == "hour" and not budget_said:
        return None  # "$3 an hour on Lambda": a price, unless said as a budget ("max $20/hour")
    if not (currency or suffix or budget_said):
        return None
    return _number(number, suffix) * _TO_MONTHLY[period], period, currency


_HARDWARE_CLAIM = re.compile(r"\b((?:nvidia |amd )?" + _GPU_BASE + r")s?\s+(?:actually\s+|really\s+|now\s+|in fact\s+)?"
                             r"(?:has|have|comes with|come with|carries)\s+"
                             r"(?:only\s+|just\s+)?" + _NUMBER + r"\s*(?:gb|gib)\b", re.IGNORECASE)


_PRICE_CLAIM_GPU = re.compile(
    r"\b(?:nvidia |amd )?" + _GPU_BASE + r"s?\s+(?:costs?|is|are|goes for|go for|rents? for)\s+(?:only\s+|just\s+|like\s+|"
    r"around\s+|about\s+|now\s+)?(?:\$\s*\d[\d.,]*\s*(?:/\s*h(?:ou)?r?|per hour|an hour|/h)\b|free\b)", re.IGNORECASE)
_INSTRUCTION = re.compile(r"\b(?:ignore (?:your|all|the|any|previous|prior)(?: \w+)? (?:rules|instructions)|"
                          r"system override|note (?:to|for) the (?:assistant|planner|architect|ai|model|bot)|as the admin\b[^.]{0,30}|new policy|"
                          r"forget (?:the |your |all )?(?:previous |prior )?instructions|pretend (?:that )?|"
                          r"budget checks? (?:are |is )?disabled)", re.IGNORECASE)


def gpu_mentions(text: str) -> list[tuple[int, int, str, tuple[str, ...]]]:
    """(start, end, name as said, accelerator keys) of every GPU named, in order."""
    found = []
    for match in _GPU_TOKEN.finditer(text):
        if re.match(r"\s*(?:autonom\w*|self-driving|level|vertebra\w*|and l\d|slips?|forms?|tax)\b|-l\d", text[match.end():],
                    re.I):
            continue  # "L4 autonomous driving", "the L4 and L5 vertebrae", "T4 slips": not GPUs
        token = match.group(1)
        if token[:1].isdigit():  # "4090s": a GeForce card named by its number
            token = "RTX " + token
        resolved = resolve_user_accelerator(token)
        if not resolved and token[-1] in "sS":  # "H100s": the plural swallowed by the model-suffix letter
            token = token[:-1]
            resolved = resolve_user_accelerator(token)
        if resolved:
            name = re.sub(r"^(?:NVIDIA|AMD) ", "", token.upper())
            if re.fullmatch(r"GRACE[ -]HOPPER", name):  # a product name, said back as the part's
                name = "GH200"
            found.append((match.start(), match.end(), name, resolved))
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
    if count is None and (wanted or len(text.split()) <= 5):  # "H100s, 8 of them", "and 8 of them"
        count = re.search(r"(?<![\d.,])(\d{1,4}) of them\b", text, re.I)
    if count:
        raw = count.group(1).lower()
        found["gpu_count"] = _WORD_NUMBERS.get(raw) or int(raw)
    memory = _GPU_MEMORY.search(text)
    each = _PER_GPU_MEMORY.search(text) or _PER_CARD_MEMORY.search(text)
    if memory:
        found["min_gpu_memory_gib"] = float((memory.group(1) or memory.group(2)).replace(",", ""))
    elif each:
        found["min_gpu_memory_gib"] = float(next(g for g in each.groups() if g).replace(",", ""))


# Provider names that are also words or other products: "a vast dataset", "a lambda function", "AWS Lambda", "a Google
# doc", "Amazon reviews", "Microsoft Teams", "an IBM mainframe" name no cloud to run on.
_NOT_A_CLOUD_AFTER = re.compile(
    r"\s*(?:[a-z]+\s+)?(?:amounts?|majority|numbers?|quantities|array|sums?|improvement|differences?|functions?|expressions?|"
    r"layers?|calculus|architecture|handlers?|docs?|drive|sheets?|colab|search|ads|analytics|maps|reviews?|"
    r"marketplace|orders?|prime|alexa|teams|office|excel|word|outlook|mainframes?|watson|accounts?|store|"
    r"services? like|translate|gemini|bard|copilot|gmail|calendar|photos|play|labs? notebooks?|rainforest|river|"
    r"basin|jungle)\b", re.I)
_NOT_A_CLOUD_BEFORE = re.compile(r"(?:\baws\s+|\bpython\s+|\ba\s+|\bthe\s+)$", re.I)
_WORDLIKE_PROVIDERS = {"vast", "lambda", "google", "amazon", "microsoft", "ibm"}


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
        spellings = (name, "vast.ai", "vastai", "vast ai") if name == "vast" else (name,)
        for spelling in spellings:
            for match in re.finditer(r"\b" + re.escape(spelling) + r"(?![\w-])", lowered):
                if name == "aws" and lowered.startswith(" lambda", match.end()):
                    continue  # "AWS Lambda does the preprocessing": a service, not where the model runs
                if name in _WORDLIKE_PROVIDERS and spelling == name and (
                        _NOT_A_CLOUD_AFTER.match(lowered, match.end())
                        or (name in {"vast", "lambda"} and _NOT_A_CLOUD_BEFORE.search(lowered[:match.start()]))):
                    continue
                found.append((match.start(), match.end(), PROVIDER_ALIASES.get(name, name)))
    found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
    kept: list[tuple[int, int, str]] = []
    for mention in found:
        if not kept or mention[0] >= kept[-1][1]:
            kept.append(mention)
    return kept


_CLAUSE_SPLIT = re.compile(r"[.;!?\n]|\s-\s|,\s*(?:and\s+)?(?=why|how|what|which)", re.I)
_QUESTION_CLAUSE = re.compile(r"^\s*(?:and\s+|but\s+|so\s+)?(?:why|how come|what made|is|are|does|do|did|was|were|"
                              r"isn't|aren't)\b", re.I)


def in_question_clause(text: str, position: int) -> bool:
    """Whether `position` lies in a clause that asks (ends with "?" or starts "why …") of a longer message."""
    starts = [0] + [m.end() for m in _CLAUSE_SPLIT.finditer(text) if m.end() <= position]
    start = starts[-1]
    end_match = _CLAUSE_SPLIT.search(text, position)
    end = end_match.start() if end_match else len(text)
    if start == 0 and end >= len(text.rstrip(" ?")):
        return False  # the whole message: its act says whether it asks
    clause = text[start:end + 1]
    return clause.rstrip().endswith("?") or bool(_QUESTION_CLAUSE.match(text[start:end]))


def provider_polarity(text: str) -> tuple[list[str], list[str]]:
    """(providers wanted, providers ruled out), each in the order named; ruled out anywhere wins."""
    mentions = provider_mentions(text)
    spans = [(start, end) for start, end, _ in mentions]
    ruled_out = [p for start, end, p in mentions
                 if negated(text, start, tuple(s for s in spans if s != (start, end))) or negated_after(text, end)]
    # "switch to GCP — why was AWS picked?", "an H100 is $2/h on RunPod, right? we're an AWS shop": a cloud named in
    # a question beside other clauses is asked about, not asked for
    asked = [p for start, _, p in mentions if in_question_clause(text, start)] if len(mentions) > 1 else []
    wanted = [p for _, _, p in mentions if p not in ruled_out and p not in asked]
    return list(dict.fromkeys(wanted)), list(dict.fromkeys(ruled_out))


# Clouds people name that no compute catalog here covers: said back, never silently replaced by another cloud.
_UNCATALOGUED_CLOUDS = {
    "oracle": "Oracle Cloud (OCI)", "oci": "Oracle Cloud (OCI)", "alibaba": "Alibaba Cloud", "aliyun": "Alibaba Cloud",
    "tencent": "Tencent Cloud", "digitalocean": "DigitalOcean", "digital ocean": "DigitalOcean", "linode": "Akamai (Linode)",
    "akamai": "Akamai (Linode)", "ovh": "OVHcloud", "ovhcloud": "OVHcloud", "hetzner": "Hetzner", "scaleway": "Scaleway",
    "coreweave": "CoreWeave", "paperspace": "Paperspace", "vultr": "Vultr", "crusoe": "Crusoe", "genesis cloud": "Genesis Cloud",
    "tensordock": "TensorDock", "huawei cloud": "Huawei Cloud", "baidu cloud": "Baidu AI Cloud", "exoscale": "Exoscale",
}
_UNCATALOGUED = re.compile(r"\b(" + "|".join(sorted((re.escape(k) for k in _UNCATALOGUED_CLOUDS), key=len, reverse=True))
                           + r")(?:\s+cloud)?\b(?!\s+(?:images?|registry|registries|artifacts?|charts?|compliant|spec))",
                           re.IGNORECASE)


def uncatalogued_clouds(text: str) -> list[str]:
    """Clouds named as wanted that the compute catalog does not cover ("on Oracle Cloud"), as their makers name them."""
    mentions = list(_UNCATALOGUED.finditer(text))
    spans = [m.span() for m in mentions]
    return list(dict.fromkeys(_UNCATALOGUED_CLOUDS[m.group(1).lower()] for m in mentions
                              if not negated(text, m.start(), tuple(s for s in spans if s != m.span()))
                              and not negated_after(text, m.end())))


def _places(text: str, found: dict[str, object], notes: list[str]) -> None:
    for cloud in uncatalogued_clouds(text):
        notes.append(f"not in the compute catalog: {cloud} — no prices for it here, so no option can be placed there; "
                     "the options listed are on the clouds the catalog covers (name one of them, or compare the plan's "
                     f"GPUs and hours with {cloud}'s own price list)")
    regions = list(dict.fromkeys(match.group(1).lower() for match in _REGION_ID.finditer(text)))
    if regions:
        found["regions"] = regions
    wanted, ruled_out = provider_polarity(text)
    if wanted:
        found["providers"] = wanted
    if ruled_out:
        found["exclude_providers"] = ruled_out
    places = place_mentions(text)
    spans = [(start, end) for start, end, _ in places]
    ruled_out = []
    for start, end, place in places:
        if negated(text, start, tuple(s for s in spans if s != (start, end))) or negated_after(text, end):
            ruled_out.append(place)  # "not in the US": no offer there, never silently the first place listed
        elif "geography" not in found:
            found["geography"] = place
    if ruled_out:
        found["exclude_places"] = list(dict.fromkeys(ruled_out))


# A place is a geography word ("europe", "apac"), a country ("japan") or a data-centre city ("frankfurt"). Cities
# and the words that are also common words need a preposition before them ("in frankfurt", "from georgia") — or a
# terse answer ("aws, frankfurt"); "us", "eu" and "uk" in lower case need one too ("in the us", "help us" is not).
_PLACE_TOKEN = re.compile(r"(?<![\w-])([A-Za-zÀ-ÿ]+(?: [A-Za-zÀ-ÿ]+){0,2})(?![\w-])")
_PLACE_PREPOSITION = re.compile(r"(?:\b(?:in|near|from|at|around|inside|within|across|to|only|stay in|based in|"
                                r"hosted in|outside|leave)\s+(?:the\s+)?|,\s*)$", re.IGNORECASE)
_COMMON_WORD_PLACES = frozenset("us eu uk turkey chad jordan georgia nice split mobile reading bath orange phoenix "
                                "victoria".split())
_TERSE = 6  # words: "aws, frankfurt", "8 users, japan"


def place_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, place as said, lower case) of every place named, in order; longest spelling first."""
    words = len(text.split())
    found: list[tuple[int, int, str]] = []
    position = 0
    lowered = text.lower()
    for match in re.finditer(r"[A-Za-zÀ-ÿ]+", text):
        if match.start() < position:
            continue
        for size in (3, 2, 1):
            phrase = " ".join(re.findall(r"[A-Za-zÀ-ÿ]+", text[match.start():match.start() + 40])[:size])
            end = lowered.find(phrase.lower(), match.start()) + len(phrase)
            if len(phrase.split()) < size or not _place_word(text, match.start(), end, phrase, words):
                continue
            place = re.sub(r"^the ", "", phrase, flags=re.I)
            found.append((match.start(), end, place.lower() if countries_for_geography(place) else place))
            position = end
            break
    return found


@lru_cache(maxsize=1 << 16)
def _place_facts(key: str) -> tuple[bool, bool, bool]:
    """(a geography word, any place, a country's name) — the gazetteer's answers, remembered per phrase."""
    geography = countries_for_geography(key) is not None
    return geography, geography or country_for_place(key) is not None, is_country_name(key)


def _place_word(text: str, start: int, end: int, phrase: str, words: int) -> bool:
    key = phrase.lower()
    if len(key) < 2 or text[end:end + 1] in {"-", *"0123456789"} or text[start - 1:start] in {"-", *"0123456789"} \
            or any(len(word) < 2 for word in key.split()):  # "europe-west4" is a region id, "L4s" no place
        return False
    geography, place, country = _place_facts(key)
    if not place or (len(key) == 2 and not geography):
        return False
    if phrase in {"US", "EU", "UK", "USA"}:
        return True
    before = text[max(0, start - 20):start]
    guarded = bool(_PLACE_PREPOSITION.search(before)) or words <= _TERSE
    country_like = geography or country
    if key == "us":  # "help us", "to us": only "in the US", "the us only", "gcp, us"
        return bool(re.search(r"\b(?:in|from|within|to|outside|across)\s+the\s+$|,\s*$", before, re.I))
    if key in _COMMON_WORD_PLACES or len(key) <= 3:
        return guarded and bool(re.search(r"\b(?:in|from|within|to|only|outside)\s+(?:the\s+)?$|,\s*$", before, re.I))
    return country_like or guarded





# Phone or audio calls live at once ("30 live support calls at once"): streams to serve, not API calls.
_LIVE_CALLS = re.compile(r"\b" + _NUMBER + r"\s*(k)?\s+(?:(?:live|phone|support|customer|voice|audio|inbound|"
                         r"outbound|simultaneous|concurrent|parallel)\s+){0,3}calls\b"
                         r"(?=\s+(?:at once|at the same time|simultaneously|concurrently|in parallel|live)\b|"
                         r"(?<=live calls)|(?<=concurrent calls)|(?<=simultaneous calls)|(?<=parallel calls))", re.I)


def concurrent_users(text: str) -> int | None:
    """People using it at once: a number said of load first, else a head count of people — never a total."""
    live = _LIVE_CALLS.search(text)
    if live:
        return int(_number(live.group(1), live.group(2)))
    for match in _USERS_AT_ONCE.finditer(text):
        said = [group for group in match.groups() if group is not None]
        return int(_number(said[0], said[1] if len(said) > 1 else None))
    for match in _USERS.finditer(text):
        if _NOT_LOAD.match(text[match.end(2) if match.group(2) else match.end(1):]):
            continue
        return int(_number(match.group(1), match.group(2)))
    return None


def _scale(text: str, found: dict[str, object], notes: list[str]) -> None:
    users = concurrent_users(text)
    if users:
        found["concurrent_users"] = users
    rps = _RPS.search(text)
    daily = _DAILY_RATE.search(text)
    if not rps and daily and found.get("task") not in {"training", "fine_tuning"}:
        count = _number(daily.group(1), daily.group(2)) if daily.group(1) else _number(daily.group(3), daily.group(4))
        found["requests_per_second"] = round(count / 86400, 4)
        notes.append(f"{daily.group(0)} read as {found['requests_per_second']} requests per second on average "
                     "(spread over 24 hours)")
    if rps:
        if rps.group(1):
            found["requests_per_second"] = _number(rps.group(1), rps.group(2))
        else:
            per = {"minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400}[rps.group(5).lower()]
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


# Sizes of things that are not the dataset: a container image, model files, a laptop's memory.
_NOT_DATA_BEFORE = re.compile(r"\b(?:docker|container)\s+image\b[^,.;]{0,12}$|\bmodel files?\b[^,.;]{0,16}$|"
                              r"\b(?:laptop|macbook|workstation|desktop)\b[^,.;]{0,16}$", re.I)
# "250k images", "1.2 million product photos", "5,000 hours of call-centre audio": a dataset counted in items, at
# 0.11 MB per image (ImageNet's mean JPEG) and 0.1152 GB per hour of audio (16 kHz 16-bit mono PCM) — said back.
_DATA_ITEMS = re.compile(r"\b" + _NUMBER + r"\s*(k|m)?\s+(?:[\w-]+\s+){0,3}?(images?|photos?|pictures|image tiles|"
                         r"tiles|scans|x-?rays|snapshots|frames|slices|sprite sheets|renders|textures|hours?(?=\s+(?:of\s+)?(?:[\w-]+\s+){0,3}?(?:audio|"
                         r"speech|recordings?|calls?|podcasts?|voice))|hrs?(?=\s+(?:of\s+)?(?:[\w-]+\s+){0,3}?audio))\b",
                         re.IGNORECASE)
# between a number and "images": a model's size or a preposition means the number was not a count of them
# ("Gemma 3 27B with image inputs" is a model version and its size, not 3 images)
_NOT_A_COUNT = re.compile(r"\b\d+(?:\.\d+)?\s*[bm]\b|\b(?:with|for|and|or|as)\b", re.I)
# "on 20k examples": fine-tuning examples (instruction, chat or Q&A pairs) at 512 tokens each — said back
_EXAMPLES = re.compile(r"\b" + _NUMBER + r"\s*(k|m)?\s+(?:[\w-]+\s+){0,2}?(?:examples|samples|instruction pairs|q&a pairs|"
                       r"qa pairs|training pairs|pairs|demonstrations)\b", re.IGNORECASE)
TOKENS_PER_EXAMPLE = 512
# "… examples of ~1k tokens", "… tickets averaging 300 tokens each": the length the user gave for each item
_PER_ITEM_TOKENS = re.compile(r"\s*(?:\(|,)?\s*(?:of|at|with|averaging|each(?: of| with| about| around)?|around|about|"
                              r"roughly|approx(?:imately|\.)?|up to)?\s*(?:~|≈|about|around|roughly)?\s*"
                              + _NUMBER + r"\s*(k)?\s*tokens?\b(?!\s*(?:of\s+)?(?:context|per\s+second|/s))", re.I)


def _stated_length(text: str, end: int) -> int | None:
    """Tokens per item when the user says them right after the count ("50k examples of ~1k tokens")."""
    match = _PER_ITEM_TOKENS.match(text, end)
    if not match:
        return None
    tokens = round(_number(match.group(1), match.group(2)))
    return tokens if 1 <= tokens <= 1_000_000 else None
_EACH = re.compile(r"\s*(?:each|apiece|a piece|per (?:gpu|card|device))\b")  # "48 GB each": per GPU, not data


# "on 2T tokens", "500B tokens of text": a training corpus in tokens, read as text at BYTES_PER_TOKEN — not a
# context ("8k tokens of context") nor a rate ("tokens per second"); at least a million tokens.
_TRAINING_TOKENS = re.compile(r"\b" + _NUMBER + r"\s*(k|m|b|t|thousand|million|billion|trillion)?\s*tokens\b"
                              r"(?!\s*(?:of\s+)?(?:context|ctx|per|/|a\s+second|each))", re.IGNORECASE)
_TOKEN_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "billion": 1e9, "t": 1e12,
                "trillion": 1e12}
_MIN_TRAINING_TOKENS = 1e6


# How often a job runs ("nightly", "every week"): runs a month, for jobs that end — "8k daily users" is no schedule.
_SCHEDULES: tuple[tuple[float, re.Pattern[str]], ...] = (
    (60.0, re.compile(r"\btwice a day\b", re.I)),
    (30.0, re.compile(r"\b(nightly|every (?:night|day|evening|morning)|each (?:night|day)|once a day|"
                      r"daily" + _DAILY_NOT_A_SCHEDULE + r")\b", re.I)),
    (4.33, re.compile(r"\b(weekly|every week(?:end)?|each week|once a week)\b", re.I)),
    (730.0, re.compile(r"\b(hourly|every hour)\b", re.I)),
    (1.0, re.compile(r"\b(monthly|every month|each month|once a month)\b", re.I)),
)
# "10 million product descriptions", "500k documents": texts counted in items — a short text 256 tokens, a page
# 512, a document 2,048 — said back
_TEXT_ITEMS = re.compile(r"\b" + _NUMBER + r"\s*(k|m)?\s+(?:[\w-]+\s+){0,2}?(documents|docs|descriptions|records|texts|pages|"
                         r"articles|reviews|tickets|emails|passages|paragraphs|items|products|sentences|chunks|"
                         r"messages|listings|posts|comments|transcripts|reports|contracts|papers|pdfs|chats|conversations|"
                         r"dialogues|dialogs|threads|manuals|handbooks|policies)\b", re.IGNORECASE)
_TOKENS_PER_TEXT = {"documents": 2048, "docs": 2048, "articles": 2048, "transcripts": 2048, "reports": 2048, "contracts": 2048,
                    "papers": 2048, "pdfs": 2048, "manuals": 2048, "handbooks": 2048, "policies": 2048, "pages": 512,
                    "chats": 1024, "conversations": 1024, "dialogues": 1024,
                    "dialogs": 1024, "threads": 1024}  # a conversation: several turns
TOKENS_PER_TEXT_ITEM = 256  # a description, review, ticket, email, message


def _text_tokens(match: re.Match[str]) -> tuple[float, int]:
    per = _TOKENS_PER_TEXT.get(match.group(3).lower(), TOKENS_PER_TEXT_ITEM)
    return _number(match.group(1), match.group(2)) * per, per


# "within 2 days", "must finish in 8 hours", "done in under a week": a finite job's wall-clock limit
_DEADLINE = re.compile(r"\b(?:within|in under|in less than|under|in|by|no more than|at most|done in|finish(?:ed)? in|"
                       r"take at most)\s+(?:about\s+|~\s*)?" + _NUMBER + r"\s*(hours?|hrs?|h|days?|d|weeks?)\b", re.I)
_DEADLINE_WORDS = ((re.compile(r"\b(overnight|by (?:the )?morning|before morning)\b", re.I), 10.0),
                   (re.compile(r"\b(over a weekend|over the weekend|by monday)\b", re.I), 60.0))
_HOURS_PER = {"h": 1.0, "hr": 1.0, "hrs": 1.0, "hour": 1.0, "hours": 1.0, "d": 24.0, "day": 24.0, "days": 24.0,
              "week": 168.0, "weeks": 168.0}


# "by Friday", "before Monday": the hours until the end of that day (UTC), from now; today's name is the end of today
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_BY_WEEKDAY = re.compile(r"\b(?:by|before|until|till|no later than|done by|ready by|finished by)\s+(?:this\s+|(next)\s+)?"
                         r"(" + "|".join(_WEEKDAYS) + r")\b(?!['’]s)", re.I)


# a deadline with the word that leads into it ("finish within 3 days", "ready by Friday")
_SAID_DEADLINE = re.compile(r"\b(?:(?:finish(?:ed)?|done|ready|completed?)\s+)?(?:" + _DEADLINE.pattern + "|"
                            + _BY_WEEKDAY.pattern + ")", re.I)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _hours_until(weekday: str, *, next_week: bool = False) -> float:
    """Hours from now to the end (24:00 UTC) of the next `weekday` — today's when it is that day, unless "next"."""
    now = _now()
    days_ahead = (_WEEKDAYS.index(weekday.lower()) - now.weekday()) % 7
    if next_week and days_ahead == 0:
        days_ahead = 7
    end = datetime.datetime.combine(now.date() + datetime.timedelta(days=days_ahead + 1), datetime.time(),
                                    tzinfo=datetime.UTC)
    return round((end - now).total_seconds() / 3600, 1)


def _deadline(text: str, found: dict[str, object], notes: list[str]) -> None:
    match = _DEADLINE.search(text)
    if match:
        found["deadline_hours"] = _number(match.group(1)) * _HOURS_PER[match.group(2).lower()]
        return
    weekday = _BY_WEEKDAY.search(text)
    if weekday:
        found["deadline_hours"] = max(1.0, _hours_until(weekday.group(2), next_week=bool(weekday.group(1))))
        notes.append(f"'{weekday.group(0)}' read as a {found['deadline_hours']:g}-hour limit (to the end of "
                     f"{weekday.group(2).capitalize()}, UTC)")
        return
    for pattern, hours in _DEADLINE_WORDS:
        word = pattern.search(text)
        if word:
            found["deadline_hours"] = hours
            notes.append(f"'{word.group(0)}' read as a {hours:g}-hour limit")
            return


def _schedule(text: str, found: dict[str, object], notes: list[str]) -> None:
    if found.get("task") not in {"batch_inference", "training", "fine_tuning"}:
        return
    _deadline(text, found, notes)
    for runs, pattern in _SCHEDULES:
        match = pattern.search(text)
        if match and not _ruled_out(text, match):
            found["runs_per_month"] = runs
            notes.append(f"'{match.group(0)}' read as {runs:g} runs a month")
            return


def _data(text: str, found: dict[str, object], notes: list[str]) -> None:
    tokens = _TRAINING_TOKENS.search(text)
    serves = found.get("task") in {"inference", "batch_inference"}  # "we served 2B tokens last month"
    if tokens and not serves and not re.search(r"(?:\$|per|/)\s*$", text[:tokens.start()]):
        count = float(tokens.group(1).replace(",", "")) * _TOKEN_SCALE.get((tokens.group(2) or "").lower(), 1.0)
        if count >= _MIN_TRAINING_TOKENS:
            found["dataset_size_gb"] = round(count * BYTES_PER_TOKEN / 1e9, 3)
            notes.append(f"{tokens.group(0)} read as {found['dataset_size_gb']:,.6g} GB of text "
                         f"({BYTES_PER_TOKEN:g} bytes per token)")
            return
    for match in _SIZE.finditer(text):
        if _ruled_out(text, match):
            continue  # "not 12 GB, it's 120 GB"
        after = re.split(r"[,;]|\.\s", text[match.end():match.end() + 40].lower())[0]  # this clause only
        before = text[max(0, match.start() - 30):match.start()].lower()
        if re.search(r"\b(vram|gpus?|memory|hbm|ram|cards?|devices?|accelerators?|ssds?|disks?|drives?|nvme|hdds?)\b",
                     after[:20]) \
                or _EACH.match(after) or re.search(r"\b(?:vram|gpus?|cards?)\b[^,.;]{0,20}$", before) \
                or _MODEL_SIZE_BEFORE.search(before) or _NOT_DATA_BEFORE.search(before) \
                or re.search(_GPU_TOKEN.pattern + r"\s*$", before, re.I) or _GPU_TOKEN.match(after[:12].lstrip()):
            continue  # "4x A100 80GB", "80 GB H100", "the model is 140GB", "GPUs with 24 GB": not data
        found["dataset_size_gb"] = round(_number(match.group(1)) * _TO_GB[match.group(2).lower()], 3)
        return
    examples = _EXAMPLES.search(text)
    if examples and found.get("task") in {"fine_tuning", "training"}:
        stated = _stated_length(text, examples.end())
        per = stated or TOKENS_PER_EXAMPLE
        tokens = _number(examples.group(1), examples.group(2)) * per
        found["dataset_size_gb"] = round(tokens * BYTES_PER_TOKEN / 1e9, 4)
        notes.append(f"{examples.group(0)} read as {tokens:,.0f} tokens ({per:,} per example), "
                     f"{found['dataset_size_gb']:,.4g} GB of text")
        _sequence_from_items(stated, found, notes)
        return
    texts = _TEXT_ITEMS.search(text)
    if texts and (found.get("task") in {"batch_inference", "training", "fine_tuning"} or found.get("domain") == "embeddings"):
        tokens, per = _text_tokens(texts)
        stated = _stated_length(text, texts.end())
        if stated:
            tokens, per = tokens / per * stated, stated
        found["dataset_size_gb"] = round(tokens * BYTES_PER_TOKEN / 1e9, 3)
        notes.append(f"{texts.group(0)} read as {tokens:,.0f} tokens ({per:,} per item), "
                     f"{found['dataset_size_gb']:,.6g} GB of text")
        if found.get("task") in {"training", "fine_tuning"}:
            _sequence_from_items(stated, found, notes)
        return
    items = next((m for m in _DATA_ITEMS.finditer(text)
                  if not re.search(r"\b(?:per|a|an|each|every)\s+$", text[:m.start(3)], re.I)
                  and not _NOT_A_COUNT.search(text[m.end(1):m.start(3)])), None)
    if items:
        count = _number(items.group(1), items.group(2))
        unit = items.group(3).lower()
        per_item = GB_PER_AUDIO_HOUR if unit.startswith(("hour", "hr")) else GB_PER_IMAGE
        found["dataset_size_gb"] = round(count * per_item, 3)
        notes.append(f"{items.group(0)} read as {found['dataset_size_gb']:,.6g} GB ("
                     + (f"16 kHz 16-bit mono audio, {GB_PER_AUDIO_HOUR:g} GB per hour" if per_item == GB_PER_AUDIO_HOUR
                        else "0.11 MB per image, ImageNet's mean JPEG") + ")")


def _sequence_from_items(stated: int | None, found: dict[str, object], notes: list[str]) -> None:
    """Training on items of a stated length: sequences that long, unless a context length was given."""
    if stated and "context_length" not in found:
        found["context_length"] = stated
        notes.append(f"training sequences of {stated:,} tokens (the length given for each item)")


def _model(text: str, found: dict[str, object], notes: list[str]) -> None:
    match = _MODEL.search(text)
    if match:
        query = (match.group(1) + (match.group(2) or "")).strip()
        if query.lower() == "whisper":  # the family alone: its current large model, as people mean it
            query = "whisper large-v3"
            notes.append("'Whisper' read as Whisper large-v3 (say tiny, base, small, medium or turbo to change it)")
        found["model_query"] = query
    params = ((_PARAMS_IN_MODEL.search(match.group(0)) if match else None) or _PARAMS.search(text)
              or _PARAMS_MILLIONS.search(text))
    if params:
        found["params_billions"] = _number(params.group(1)) / (1000 if params.group(2).lower() == "m" else 1)


# Words that say how to run a workload, not what its model must do: dropped from the use case.
_NOT_USE_CASE = frozenset("""
a an the and or but of for to in on at with from by into onto over under within about around across via per as than
our my we i us you me it its this that these those there is are was were be been being have has had do does did will
would should could can may might must shall need needs needed want wants wanted like please help let lets get got
build building built create creating make making develop developing set setup up train training trained retrain
fine-tune fine-tuning finetune tune tuning deploy deploying deployment serve serving served run running host hosting
find finding pick choose recommend suggest give show tell right best good better great cheap cheaper cheapest
affordable fast faster fastest quick quickly low lower high higher gpu gpus cloud clouds instance instances machine
machines server servers vm vms node nodes cluster clusters kubernetes k8s cost costs price prices pricing budget spend
month months monthly hour hours hourly day days daily week weeks weekly year years yearly dollars usd region regions
zone zones data dataset datasets model models system systems plan plans infrastructure infra stack pipeline solution
users people user customers team company concurrent requests request traffic load latency throughput anywhere any
some all only also just around anything everything except no not without approximately approx roughly about tb gb pb mb tib gib spot on-demand preemptible
interruptible reserved possible something thing things way new current existing already using use used
which whichever what whatever how when where who why whether rent renting buy buying hi hello thanks thank
small smaller large larger big tiny simple basic keep stay stays within lot lots kind sort architect design designing overnight nightly batch batches every once inference infer realtime real-time live online offline
work works working job jobs task tasks gdpr hipaa soc2 pci compliant compliance regulated hospital clinic
startup company enterprise here
""".split())
_USE_CASE_WORD = re.compile(r"[a-zà-ÿ][a-zà-ÿ0-9]*(?:-[a-zà-ÿ0-9]+)*(?:['’][a-z]+)?", re.I)


def _use_case(text: str, found: dict[str, object], notes: list[str]) -> None:
    """What the model must do ("a lung-cancer detector", "MRI images"): the message's own words once the figures,
    GPUs, clouds, places and how-to-run words are set aside. The model search's query when no model is named. Read
    only from a message that says what kind of workload it is ("you decide", "in Europe please" keep the use case),
    in the domains whose model the subject picks (`SUBJECT_DOMAINS`)."""
    if found.get("model_query") or found.get("domain") not in SUBJECT_DOMAINS:
        return
    blanked = _SIZE.sub(" ", text)
    # a deadline ("finish within 3 days", "by Friday") says when, not what
    blanked = _SAID_DEADLINE.sub(" ", blanked)
    for start, end, _ in sorted([*provider_mentions(blanked), *place_mentions(blanked)], reverse=True):
        blanked = blanked[:start] + " " * (end - start) + blanked[end:]
    blanked = _GPU_TOKEN.sub(" ", blanked)
    words: list[str] = []
    for match in _USE_CASE_WORD.finditer(blanked):
        word = match.group(0).lower()
        if word not in _NOT_USE_CASE and len(word) > 1 and word not in words and not re.search(r"['’]", word):
            words.append(word)
    if words:
        found["use_case"] = " ".join(words[:8])


_OPTIMIZERS = (
    ("paged_adamw_8bit", re.compile(r"\bpaged[ _-]?adam(?:w)?[ _-]?(?:8[ _-]?bit|int8)\b|\bpaged[ _-]?8[ _-]?bit[ _-]?"
                                    r"adam(?:w)?\b", re.I)),
    ("adamw_8bit", re.compile(r"\b8[ _-]?bit[ _-]?adam(?:w)?\b|\badam(?:w)?[ _-]?8[ _-]?bit\b|\bbnb[ _-]?adam(?:w)?\b", re.I)),
    ("adafactor", re.compile(r"\badafactor\b", re.I)),
    ("sgd", re.compile(r"\bsgd\b", re.I)),
    ("adamw", re.compile(r"\badam(?:w)?\b", re.I)),
)
_ZERO_STAGE = re.compile(r"\bzero[ _-]?(?:stage[ _-]?)?([0-3])\b|\bstage[ _-]?([0-3]) (?:of )?(?:deepspeed|zero)\b", re.I)
_FSDP = re.compile(r"\bfsdp\b|\bfully sharded data parallel\b", re.I)
_OFFLOAD = re.compile(r"\b(?:zero[ _-]?offload|cpu[ _-]?offload(?:ing)?|offload(?:ing)? (?:the )?(?:optimi[sz]er|adam)"
                      r"(?: states?)? to (?:the )?(?:cpu|host|ram))\b", re.I)
_FUSED_LOSS = re.compile(r"\b(?:liger(?:[- ]kernels?)?|cut[- ]cross[- ]entropy|fused(?: linear)? cross[- ]entropy|"
                         r"chunked (?:cross[- ]entropy|loss))\b", re.I)
_NO_FLASH = re.compile(r"\b(?:no|without|not? (?:use|using)|can'?t use|cannot use) flash[ -]?attention\b", re.I)


def _training_options(text: str, found: dict[str, object]) -> None:
    """How a training run is set up, when said: the optimizer, the ZeRO stage (FSDP: 3), CPU offload, flash attention.
    Read only in a training message ("zero 2" in a serving request is not a ZeRO stage)."""
    if found.get("task") not in ("training", "fine_tuning") and not re.search(r"\b(?:deepspeed|fsdp)\b", text, re.I):
        return
    optimizer = first_wanted(text, _OPTIMIZERS)
    if optimizer:
        found["optimizer"] = optimizer
    stage = _ZERO_STAGE.search(text)
    if stage:
        found["zero_stage"] = int(stage.group(1) or stage.group(2))
    elif _FSDP.search(text):
        found["zero_stage"] = 3
    if _OFFLOAD.search(text):
        found["cpu_offload"] = True
    if _NO_FLASH.search(text):
        found["flash_attention"] = False
    if _FUSED_LOSS.search(text):
        found["fused_loss"] = True


def _options(text: str, found: dict[str, object], notes: list[str]) -> None:
    _training_options(text, found)
    precision = first_wanted(text, _PRECISION_RULES)
    if precision:
        found["precision"] = precision
    spot = spot_wanted(text)
    if spot is not None:
        found["spot"] = spot
    if _NO_LOCAL.search(text):
        found["use_local_cluster"] = False
    elif _LOCAL.search(text):
        found["use_local_cluster"] = True
    compliance, not_needed = [], []
    for pattern, name in _COMPLIANCE.items():  # "GDPR, not HIPAA", "HIPAA isn't a thing for us"
        for match in re.finditer(r"\b" + pattern + r"\b", text, re.I):
            (not_needed if _ruled_out(text, match) else compliance).append(name)
    if compliance:
        found["compliance"] = list(dict.fromkeys(compliance))
    if not_needed:
        found["_not_compliance"] = [name for name in dict.fromkeys(not_needed) if name not in compliance]
    for pattern, license_need in _LICENSE:
        if pattern.search(text):
            found["license"] = license_need
            break
    components = [_COMPONENT_BY_SPELLING[match.group(0).lower()] for match in _COMPONENTS.finditer(text)
                  if not _ruled_out(text, match)]
    if _RETRIEVAL.search(text):
        components.append("vector-db")  # a role: the stack needs one, whichever product
    if components:
        found["components"] = list(dict.fromkeys(components))
