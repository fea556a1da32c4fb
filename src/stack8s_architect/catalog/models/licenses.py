"""Model licences: every spelling the sources use, normalised to one `License` with a commercial-use verdict.

`commercial_use` means, for someone deploying the model inside a commercial product:
- "yes": permissive; attribution and notice-keeping at most.
- "restricted": commercial use is allowed, but on conditions beyond attribution — a use policy that
  travels with the model (Llama, Gemma, OpenRAIL), a user or revenue threshold, or copyleft /
  share-alike obligations (GPL, AGPL, CC-BY-SA), or a ban on modified copies (CC-BY-ND).
- "no": non-commercial / research-only terms, or proprietary (API only: the weights cannot be self-hosted).
- "unknown": the licence is missing, "other", or a named licence whose terms we have not checked.

Spellings come from Hub tags (`license:apache-2.0`), leaderboard `hub_license`, arena `license`
("Llama 3.1 Community"), LocalAI, the ASR leaderboard, roboflow, MONAI bundle LICENSE headings and the
open-llms Markdown table (`[Custom](url) Free if ...`). Matching is table-driven: an exact id first,
then the Creative Commons parser, then LICENSE_RULES in order (first match wins, so the more
restrictive reading of a combined string such as "Apache 2.0, CC BY-SA-3.0" must come first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

CommercialUse = Literal["yes", "restricted", "no", "unknown"]


@dataclass(frozen=True)
class License:
    """A normalised model licence."""

    id: str  # Hub-style lower-case id ("apache-2.0", "llama3.1", "cc-by-nc-4.0"), or our own slug for custom licences
    name: str
    spdx: str | None  # proper SPDX identifier, None for custom licences
    commercial_use: CommercialUse
    note: str  # why commercial_use is what it is


_COPYLEFT = "copyleft: distributing the model or software built on it requires releasing it under the same licence"
_LLAMA_TERMS = "commercial use allowed below 700M monthly active users; Meta's acceptable-use policy; attribution"

# One row per licence. Notes say why; figures come from each licence's own text.
_LICENSE_TABLE: tuple[License, ...] = (
    # --- permissive -------------------------------------------------------------------------------
    License("apache-2.0", "Apache License 2.0", "Apache-2.0", "yes", "permissive; patent grant; keep notices"),
    License("mit", "MIT License", "MIT", "yes", "permissive; keep the copyright notice"),
    License("bsd", "BSD licence (clauses not stated)", None, "yes", "BSD family: permissive"),
    License("bsd-2-clause", "BSD 2-Clause", "BSD-2-Clause", "yes", "permissive"),
    License("bsd-3-clause", "BSD 3-Clause", "BSD-3-Clause", "yes", "permissive; no endorsement by the authors' names"),
    License("bsd-3-clause-clear", "BSD 3-Clause Clear", "BSD-3-Clause-Clear", "yes",
            "permissive; grants no patent rights"),
    License("cc0-1.0", "CC0 1.0 Universal", "CC0-1.0", "yes", "public-domain dedication"),
    License("pddl", "Open Data Commons PDDL", "PDDL-1.0", "yes", "public-domain dedication"),
    License("afl-3.0", "Academic Free License 3.0", "AFL-3.0", "yes", "permissive despite the name"),
    License("artistic-2.0", "Artistic License 2.0", "Artistic-2.0", "yes",
            "permissive; modified versions must be marked"),
    # The Hub's "bsl-1.0" is the Boost licence, not the Business Source License (busl-1.1 below).
    License("bsl-1.0", "Boost Software License 1.0", "BSL-1.0", "yes", "permissive (Boost, not Business Source)"),
    License("wtfpl", "WTFPL", "WTFPL", "yes", "permissive"),
    License("unlicense", "The Unlicense", "Unlicense", "yes", "public-domain dedication"),
    License("openmdw-1.1", "OpenMDW License 1.1", None, "yes",
            "Linux Foundation permissive licence for model, data and weights"),
    License("apple-ascl", "Apple Sample Code License", None, "yes",
            "permissive (e.g. OpenELM: no usage or training restrictions)"),
    # --- copyleft ---------------------------------------------------------------------------------
    License("gpl", "GNU GPL (version not stated)", None, "restricted", _COPYLEFT),
    License("gpl-2.0", "GNU GPL v2", "GPL-2.0", "restricted", _COPYLEFT),
    License("gpl-3.0", "GNU GPL v3", "GPL-3.0", "restricted", _COPYLEFT),
    License("agpl-3.0", "GNU AGPL v3", "AGPL-3.0", "restricted",
            "AGPL: network use triggers source release (Ultralytics YOLO sells an enterprise licence to avoid it)"),
    License("lgpl", "GNU LGPL (version not stated)", None, "restricted",
            "weak copyleft: changes to the licensed part must be shared"),
    License("lgpl-2.1", "GNU LGPL v2.1", "LGPL-2.1", "restricted",
            "weak copyleft: changes to the licensed part must be shared"),
    License("lgpl-3.0", "GNU LGPL v3", "LGPL-3.0", "restricted",
            "weak copyleft: changes to the licensed part must be shared"),
    License("lgpl-lr", "LGPL for Linguistic Resources", None, "restricted", "weak copyleft for linguistic resources"),
    License("mpl-2.0", "Mozilla Public License 2.0", "MPL-2.0", "restricted",
            "file-level copyleft: modified files must be shared"),
    License("eupl-1.1", "European Union Public Licence 1.1", "EUPL-1.1", "restricted", _COPYLEFT),
    License("eupl-1.2", "European Union Public Licence 1.2", "EUPL-1.2", "restricted", _COPYLEFT),
    License("osl-3.0", "Open Software License 3.0", "OSL-3.0", "restricted",
            _COPYLEFT + " (network use counts as distribution)"),
    License("ms-pl", "Microsoft Public License", "MS-PL", "restricted",
            "weak copyleft: source distributions stay under MS-PL"),
    License("busl-1.1", "Business Source License 1.1", "BUSL-1.1", "restricted",
            "source-available: production use limited by the licensor's grant until the change date"),
    License("sspl-1.0", "Server Side Public License", "SSPL-1.0", "restricted",
            "offering it as a service requires releasing the whole service stack"),
    # --- responsible-AI licences (use-based restrictions that travel with every copy) -------------
    License("openrail", "OpenRAIL (family)", None, "restricted",
            "commercial use allowed; use-based restrictions bind every copy and derivative"),
    License("openrail++", "CreativeML OpenRAIL++-M", None, "restricted",
            "SDXL licence: commercial use allowed; use-based restrictions"),
    License("creativeml-openrail-m", "CreativeML OpenRAIL-M", None, "restricted",
            "Stable Diffusion licence: commercial use allowed; use-based restrictions"),
    License("bigscience-openrail-m", "BigScience OpenRAIL-M", None, "restricted",
            "commercial use allowed; use-based restrictions"),
    License("bigscience-bloom-rail-1.0", "BigScience BLOOM RAIL 1.0", None, "restricted",
            "BLOOM: commercial use allowed; use-based restrictions"),
    License("bigcode-openrail-m", "BigCode OpenRAIL-M", None, "restricted",
            "StarCoder: commercial use allowed; use-based restrictions"),
    License("ai2-impact-lr", "AI2 ImpACT Low-Risk", None, "restricted",
            "commercial use allowed; use-based restrictions and derivative-disclosure duties"),
    # --- vendor community licences ----------------------------------------------------------------
    License("llama", "Llama licence (version not stated)", None, "restricted",
            "Llama 2 and later community licences: " + _LLAMA_TERMS + "; the original LLaMA (1) was research-only"),
    License("llama2", "Llama 2 Community License", None, "restricted", "Llama community licence: " + _LLAMA_TERMS),
    License("llama3", "Meta Llama 3 Community License", None, "restricted", "Llama community licence: " + _LLAMA_TERMS),
    License("llama3.1", "Llama 3.1 Community License", None, "restricted", "Llama community licence: " + _LLAMA_TERMS),
    License("llama3.2", "Llama 3.2 Community License", None, "restricted",
            "Llama community licence: " + _LLAMA_TERMS + "; multimodal rights not granted to EU-based users"),
    License("llama3.3", "Llama 3.3 Community License", None, "restricted", "Llama community licence: " + _LLAMA_TERMS),
    License("llama4", "Llama 4 Community License", None, "restricted", "Llama community licence: " + _LLAMA_TERMS),
    License("gemma", "Gemma Terms of Use", None, "restricted",
            "commercial use allowed; Google's prohibited-use policy binds derivatives"),
    License("health-ai-developer-foundations", "Health AI Developer Foundations Terms", None, "restricted",
            "Google HAI-DEF: commercial use allowed under use restrictions for medical applications"),
    License("qwen", "Tongyi Qianwen (Qwen) Licence", None, "restricted",
            "commercial use allowed; above 100M monthly active users a licence from Alibaba is needed"),
    License("deepseek", "DeepSeek Model Licence", None, "restricted",
            "commercial use allowed; OpenRAIL-style use restrictions bind derivatives"),
    License("falcon-180b", "Falcon-180B TII Licence", None, "restricted",
            "commercial use allowed, but hosting it as a shared or managed service needs TII's permission"),
    License("falcon-llm-license", "TII Falcon Licence", None, "restricted",
            "Apache-2.0 based with TII's acceptable-use policy"),
    License("nvidia-open-model-license", "NVIDIA Open Model License", None, "restricted",
            "commercial use allowed; rights end if safety guardrails are bypassed; attribution"),
    License("jamba-open", "Jamba Open Model License", None, "restricted",
            "commercial use allowed below AI21's revenue threshold; use policy"),
    License("yi-license", "Yi Series Models Community License", None, "restricted",
            "commercial use after registering with 01.AI"),
    License("dbrx", "Databricks Open Model License", None, "restricted",
            "commercial use allowed below 700M monthly active users; use policy"),
    License("cogvlm2", "CogVLM2 Licence", None, "restricted", "commercial use after registration with Zhipu AI"),
    License("chatglm", "ChatGLM Model Licence", None, "restricted", "commercial use after registration with Zhipu AI"),
    License("glm-4", "GLM-4 Licence", None, "restricted", "commercial use after registration with Zhipu AI"),
    License("skywork", "Skywork Community Licence", None, "restricted",
            "commercial use with usage restrictions; outputs-trained models become derivatives"),
    License("lfm1.0", "LFM Open License v1.0", None, "restricted",
            "Liquid AI: free commercial use only for companies under $10M annual revenue"),
    License("ltx-2-community-license-agreement", "LTX-2 Community License", None, "restricted",
            "Lightricks community licence: commercial use limited by a revenue threshold"),
    License("stabilityai-ai-community", "Stability AI Community License", None, "restricted",
            "free commercial use for organisations under $1M annual revenue; enterprise licence above"),
    License("tencent-hunyuan-community", "Tencent Hunyuan Community License", None, "restricted",
            "territory excludes the EU, UK and South Korea; user threshold for large services"),
    License("krutrim-community-license-agreement-version-1.0", "Krutrim Community License", None, "restricted",
            "community licence with use restrictions"),
    License("modified-mit", "Modified MIT (Kimi K2)", None, "restricted",
            "MIT plus a duty to display the model name in products above 100M MAU or $20M monthly revenue"),
    License("custom-restricted", "Custom licence with usage restrictions", None, "restricted",
            "the source describes a custom licence that permits use with restrictions"),
    # --- non-commercial / research-only / closed ----------------------------------------------------
    License("non-commercial", "Non-commercial licence", None, "no", "the licence forbids commercial use"),
    License("research-only", "Research-only licence", None, "no",
            "the licence permits research or evaluation use only"),
    License("fair-noncommercial-research-license", "FAIR Noncommercial Research License", None, "no",
            "Meta FAIR: research only"),
    License("deepfloyd-if-license", "DeepFloyd IF Licence", None, "no", "research only"),
    License("apple-amlr", "Apple Machine Learning Research Model License", None, "no", "research only"),
    License("qwen-research", "Qwen Research Licence", None, "no",
            "non-commercial; a commercial licence must be requested from Alibaba"),
    License("mrl", "Mistral AI Research License", None, "no",
            "research and non-production use only; commercial licence sold separately"),
    License("mnpl", "Mistral AI Non-Production License", None, "no", "no production use (e.g. Codestral 22B)"),
    License("nvidia-license", "NVIDIA License (non-commercial)", None, "no",
            "weights for research or evaluation only; only NVIDIA may use them commercially"
            " (MONAI VISTA/MAISI bundles)"),
    License("insightface-non-commercial", "InsightFace Non-commercial Licence", None, "no",
            "InsightFace models: non-commercial research only"),
    License("flux-1-dev-non-commercial-license", "FLUX.1 [dev] Non-Commercial License", None, "no",
            "weights non-commercial (generated outputs may be used commercially)"),
    License("proprietary", "Proprietary (API only)", None, "no",
            "weights are not released: the model cannot be self-hosted"),
    # --- not enough information ---------------------------------------------------------------------
    License("open-weights", "Open weights (licence not named)", None, "unknown",
            "the source says only that the weights are published ('Open'); check the model card"),
    License("cc", "Creative Commons (variant not stated)", None, "unknown",
            "NC variants forbid commercial use; check the card"),
    License("custom", "Custom licence", None, "unknown", "a custom licence the source does not summarise"),
    License("inf", "INF Licence (OpenCoder)", None, "unknown", "custom licence; terms not verified here"),
    License("eva-llama3.3", "EVA Llama 3.3 Licence", None, "unknown",
            "derivative of Llama 3.3, so at least the Llama 3.3 terms apply; EVA's own terms not verified here"),
    License("other", "Other (see the model card)", None, "unknown",
            "the Hub's 'other': the licence is described in the card"),
    License("unknown", "Unknown", None, "unknown", "no licence stated"),
)

LICENSES: dict[str, License] = {lic.id: lic for lic in _LICENSE_TABLE}
UNKNOWN = LICENSES["unknown"]

# Exact spellings that are not ids themselves (after cleaning: lower-case, no "license:" prefix).
LICENSE_ALIASES: dict[str, str] = {
    "open": "open-weights",  # ASR leaderboard / arena: open weights, licence unnamed
    "apache-2": "apache-2.0",
    "bsd-3": "bsd-3-clause",
    "academic free license v3.0": "afl-3.0",
    "propretary": "proprietary",  # arena typo
    "tongyi-qianwen": "qwen",
    "deepseek-license": "deepseek",
    "falcon-llm": "falcon-llm-license",
    "lfm-open-license-v1.0": "lfm1.0",
    "nvidia-open-model": "nvidia-open-model-license",
}

_NOT_STATED = {"", "-", "?", "??", "???", "n/a", "na", "none", "null", "unknown"}

# Ordered (pattern, licence id); the first pattern found in the cleaned text wins.
LICENSE_RULES: tuple[tuple[str, str], ...] = (
    (r"\bprop[a-z]*tary\b|\bapi[- ]only\b", "proprietary"),
    # named non-commercial licences before the generic "non-commercial" rule
    (r"flux[-. ]?1[-. ]?dev|\bflux\b.*non[-_ ]?commercial", "flux-1-dev-non-commercial-license"),
    (r"insightface", "insightface-non-commercial"),
    (r"nvidia[-_ ]open", "nvidia-open-model-license"),
    (r"\bnvidia[-_ ](?:source[-_ ]code[-_ ])?licen[cs]e", "nvidia-license"),  # MONAI weights licence heading
    (r"\bmnpl\b|non[-_ ]production", "mnpl"),
    (r"\bmrl\b|mistral[-_ ]research", "mrl"),
    (r"qwen[-_ ]research", "qwen-research"),
    (r"non[-_ ]?commercial", "non-commercial"),
    (r"\bresearch[-_ ](?:only|use|licen[cs]e)", "research-only"),
    (r"\bcc0\b|cc[-_ ]zero|public[-_ ]domain", "cc0-1.0"),
    # responsible-AI licences ("Apache 2.0 with usage restriction inherited from BLOOM" is BLOOM's)
    (r"bloom", "bigscience-bloom-rail-1.0"),
    (r"openrail\s*\+\+", "openrail++"),
    (r"creativeml", "creativeml-openrail-m"),
    (r"bigcode|codeml", "bigcode-openrail-m"),
    (r"bigscience", "bigscience-openrail-m"),
    (r"open[-_ ]?rail|\brail\b", "openrail"),
    (r"impact", "ai2-impact-lr"),
    # vendor licences (URLs in open-llms links count: "[Custom](…/facebookresearch/llama/…)" is Llama 2's)
    (r"llama[-_ ]?4", "llama4"),
    (r"llama[-_ ]?3[._]3", "llama3.3"),
    (r"llama[-_ ]?3[._]2", "llama3.2"),
    (r"llama[-_ ]?3[._]1", "llama3.1"),
    (r"llama[-_ ]?3(?![._]?\d)", "llama3"),
    (r"llama[-_ ]?2|facebookresearch/llama\b", "llama2"),
    (r"\bllama\b", "llama"),
    (r"gemma", "gemma"),
    (r"qwen|qianwen|tongyi", "qwen"),
    (r"deepseek", "deepseek"),
    (r"falcon[-_ ]?180b", "falcon-180b"),
    (r"falcon", "falcon-llm-license"),
    (r"jamba", "jamba-open"),
    (r"\byi\b", "yi-license"),
    (r"dbrx|databricks", "dbrx"),
    (r"cogvlm", "cogvlm2"),
    (r"chatglm", "chatglm"),
    (r"skywork", "skywork"),
    (r"\blfm", "lfm1.0"),
    (r"\bltx", "ltx-2-community-license-agreement"),
    (r"stability", "stabilityai-ai-community"),
    (r"hunyuan", "tencent-hunyuan-community"),
    (r"krutrim", "krutrim-community-license-agreement-version-1.0"),
    (r"apple[-_ ]?ascl|apple sample code|apple/openelm", "apple-ascl"),
    (r"apple[-_ ]?amlr", "apple-amlr"),
    (r"modified[-_ ]mit", "modified-mit"),
    (r"openmdw", "openmdw-1.1"),
    # copyleft ("APGL-3.0" is roboflow's spelling of AGPL-3.0)
    (r"\bagpl|\bapgl|affero", "agpl-3.0"),
    (r"\blgpl[-_ ]?lr", "lgpl-lr"),
    (r"\blgpl[-_ ]?v?3", "lgpl-3.0"),
    (r"\blgpl[-_ ]?v?2", "lgpl-2.1"),
    (r"\blgpl\b|lesser general public", "lgpl"),
    (r"\bgpl[-_ ]?v?3|general public license v(?:ersion )?3", "gpl-3.0"),
    (r"\bgpl[-_ ]?v?2", "gpl-2.0"),
    (r"\bgpl\b|general public licen[cs]e", "gpl"),
    (r"\bmpl\b|mozilla", "mpl-2.0"),
    (r"\beupl[-_ ]?1\.2", "eupl-1.2"),
    (r"\beupl", "eupl-1.1"),
    (r"\bosl\b", "osl-3.0"),
    (r"\bms[-_ ]pl\b", "ms-pl"),
    (r"\bbusl\b|business source", "busl-1.1"),
    (r"\bsspl\b|server side public", "sspl-1.0"),
    # permissive
    (r"apache", "apache-2.0"),
    (r"\bmit\b", "mit"),
    (r"bsd[-_ ]?3[-_ ]?clause[-_ ]?clear", "bsd-3-clause-clear"),
    (r"bsd[-_ ]?3", "bsd-3-clause"),
    (r"bsd[-_ ]?2", "bsd-2-clause"),
    (r"\bbsd\b", "bsd"),
    (r"\bafl\b|academic free", "afl-3.0"),
    (r"artistic", "artistic-2.0"),
    (r"boost", "bsl-1.0"),
    (r"unlicen[cs]e", "unlicense"),
    # custom licences described in prose (open-llms: "[Custom](url) Free with usage restriction …")
    (r"\bcustom\b.*(?:restrict|under \d+m users|registration)", "custom-restricted"),
    (r"\bcustom\b", "custom"),
)

_COMPILED_RULES = tuple((re.compile(pattern), license_id) for pattern, license_id in LICENSE_RULES)
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_CREATIVE_COMMONS = re.compile(r"\bcc[-_ ]?(by(?:[-_ ]?(?:nc|nd|sa))*)\b(?:[-_ ]?v?(\d\.\d))?")
_CC_WORDS = {"nc": "NonCommercial", "nd": "NoDerivatives", "sa": "ShareAlike"}


@lru_cache(maxsize=4096)
def normalize_license(raw: str | None) -> License:
    """The `License` a source's licence string means; `UNKNOWN` when missing or unrecognised.

    Accepts Hub ids with or without the `license:` tag prefix, display names, LICENSE-file headings
    and Markdown links. Unrecognised strings map to "unknown" (the raw text stays with the caller).
    """
    text = _clean(raw)
    if text in _NOT_STATED:
        return UNKNOWN
    exact = LICENSES.get(text) or LICENSES.get(LICENSE_ALIASES.get(text, ""))
    if exact is not None:
        return exact
    creative_commons = _creative_commons(text)
    if creative_commons is not None:
        return creative_commons
    for pattern, license_id in _COMPILED_RULES:
        if pattern.search(text):
            return LICENSES[license_id]
    return UNKNOWN


def _clean(raw: str | None) -> str:
    text = (raw or "").strip()
    text = re.sub(r"^license\s*:\s*", "", text, flags=re.IGNORECASE)
    text = _MARKDOWN_LINK.sub(r"\1 \2", text)  # keep both the link text and its URL for the rules
    return " ".join(text.lower().split())


def _creative_commons(text: str) -> License | None:
    """CC-BY family from its parts, so every version and clause combination needs no row of its own."""
    match = _CREATIVE_COMMONS.search(text)
    if match is None:
        return None
    clauses = re.findall(r"nc|nd|sa", match.group(1))
    version = match.group(2)
    license_id = "-".join(["cc", "by", *clauses]) + (f"-{version}" if version else "")
    words = "-".join(["Attribution", *(_CC_WORDS[clause] for clause in clauses)])
    name = f"Creative Commons {words}" + (f" {version}" if version else "")
    spdx = license_id.upper() if version else None
    if "nc" in clauses:
        return License(license_id, name, spdx, "no", "CC NonCommercial: no commercial use")
    if "nd" in clauses:
        return License(license_id, name, spdx, "restricted",
                       "CC NoDerivatives: modified (fine-tuned) copies may not be shared")
    if "sa" in clauses:
        return License(license_id, name, spdx, "restricted", "CC ShareAlike: derivatives must carry the same licence")
    return License(license_id, name, spdx, "yes", "CC Attribution: permissive with credit")
