"""The model resolver: a model as people write it → its catalog record, or an honest "unknown".

"GLM-4.5", "glm 4.5", "Llama 3.1 8B Instruct", "qwen2.5:14b", "Phi-3.5 mini", "YOLO11n", "ResNet-50" are
compared as tokens (`names.py`): every word must be in the candidate's name (a misspelt long word is
forgiven through rapidfuzz), every number the user wrote must be there too (3 ≠ 3.1, 8B ≠ 70B), and a
candidate with another version of the same kind ("3.1" when "3" was asked) is out. Among what is left:
originals before quantised copies, the family's publisher before fine-tunes and forks, the instruction
release for serving when unsaid (the base for training), fewer extra words, more downloads. Ties on everything but popularity
are ambiguous: the pick is named with its runners-up. The index is built once per catalog version.
"""

from __future__ import annotations

import math
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

from stack8s_architect.catalog.index_cache import load_or_build

from stack8s_architect.catalog.models.identity import QUANTISER_ORGS, model_key, variant_base
from stack8s_architect.catalog.models.names import REVISION, NameTokens, name_tokens, version_family
from stack8s_architect.sizing import precision_named

SPELLING_CUTOFF = 85.0  # rapidfuzz ratio for a misspelt word ("lama" → "llama", "mistrall" → "mistral")
SIZE_TOLERANCE = 0.12  # a size the name does not carry may match the catalog's parameter count this closely
_RUNNERS_UP = 3
_TIER = 7  # the fields of a rank key that are not popularity or the id (see `_tier`)
# Organisations that publish their own models (first-party releases). A family name alone does not say who
# owns it ("Mistral-7B-Instruct" is uploaded by many), and downloads are missing for much of the catalog, so
# these are preferred over other uploaders of the same name; among others, the biggest publisher of the family.
OFFICIAL_PUBLISHERS = frozenset({
    "meta-llama", "facebook", "mistralai", "qwen", "google", "google-bert", "google-t5", "microsoft", "deepseek-ai",
    "zai-org", "minimaxai", "moonshotai", "openai", "openai-community", "stabilityai", "black-forest-labs", "tiiuae",
    "nvidia", "ibm-granite", "allenai", "coherelabs", "01-ai", "bigcode", "baai", "intfloat", "sentence-transformers",
    "nomic-ai", "jinaai", "timm", "roboflow", "ultralytics", "monai", "xai-org", "apple", "huggingfacetb",
    "tencent", "baidu", "internlm", "opengvlab", "thudm", "upstage", "databricks", "snowflake", "ai21labs",
    "lmsys", "bigscience", "eleutherai", "mosaicml", "salesforce", "stepfun-ai", "xiaomimimo", "inclusionai",
    "llava-hf", "openbmb", "nousresearch", "cohere", "amazon", "alibaba-nlp", "hexgrad", "distilbert", "facebookai",
})
# Words that start sentences and product names alike: never the first word of a mention in free text.
_NOT_A_MODEL_START = frozenset("""
a an the my our your their this that these those it its we you they i me us for with on in at to of by from and or
but not no any all some use using run serve train build make get need want deploy host fine tune model models llm
gpu gpus cloud cheap cheapest best small large big medium new old base chat instruct data dataset images image text
users user please budget month hour spot only also just about like than then there here what which how why when
""".split())


@dataclass(frozen=True)
class CatalogModel:
    """One row of the model catalog, as much as resolution needs."""

    key: str
    id: str
    task: str = "other"
    domain: str = "other"
    params_total: float | None = None
    params_active: float | None = None
    downloads: int | None = None
    has_config: bool = False

    @property
    def org(self) -> str:
        return self.id.split("/", 1)[0].lower() if "/" in self.id else ""

    @property
    def params_billions(self) -> float | None:
        return self.params_total / 1e9 if self.params_total else None


@dataclass(frozen=True)
class Resolution:
    """What a model mention resolved to. `model` is None when nothing in the catalog matches."""

    query: str
    model: CatalogModel | None
    runners_up: tuple[str, ...] = ()  # other ids that matched as well (ambiguous) or came close (unknown)
    ambiguous: bool = False
    precision: str | None = None  # what the name's packaging said: awq, fp8, q4_k_m … (a name sizing knows)
    tokens: NameTokens | None = None
    notes: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.model is not None


@dataclass
class _Entry:
    model: CatalogModel
    tokens: NameTokens
    variant: bool  # a quantised or converted copy (GGUF, AWQ, an MLX mirror …)
    word_set: frozenset[str] = field(default_factory=frozenset)
    tuned_twin: bool = False  # its publisher also has the instruction release of exactly this name
    base_twin: bool = False  # an instruction release whose publisher also has the base of exactly this name
    # read once, compared for every query the entry is a candidate of
    org: str = ""
    official: bool = False
    plain_numbers: tuple[str, ...] = ()  # numbers that are not release dates
    revisions: tuple[str, ...] = ()  # release dates ("2507", "0905")

    def __post_init__(self) -> None:
        self.org = self.model.org
        self.official = self.org in OFFICIAL_PUBLISHERS
        self.plain_numbers = tuple(n for n in self.tokens.numbers if not REVISION.match(n))
        self.revisions = tuple(n for n in self.tokens.numbers if REVISION.match(n))


class ModelResolver:
    """Resolves model mentions against one catalog version; build once, query many times (thread-safe)."""

    def __init__(self, models: Iterable[CatalogModel]):
        self._entries: list[_Entry] = []
        by_word: dict[str, list[int]] = defaultdict(list)
        # (org, first name word) → (downloads, models): how much of a family an organisation publishes
        self._publisher: dict[tuple[str, str], tuple[int, int]] = {}
        self._by_key: dict[str, int] = {}
        for model in models:
            tokens = name_tokens(model.id)
            if not tokens.words:
                continue
            variant = (variant_base(model.id) is not None or QUANTISER_ORGS.get(model.org) is not None
                       or tokens.packaged)
            entry = _Entry(model, tokens, variant, frozenset(tokens.words))
            index = len(self._entries)
            self._entries.append(entry)
            self._by_key[model.key] = index
            for word in entry.word_set | set(tokens.versions) | set(tokens.sizes):
                by_word[word].append(index)
            if not variant and tokens.name_words:
                downloads, count = self._publisher.get((model.org, tokens.name_words[0]), (0, 0))
                self._publisher[(model.org, tokens.name_words[0])] = (downloads + (model.downloads or 0), count + 1)
        self._by_word: dict[str, list[int]] = dict(by_word)
        # organisation names as one word ("openai", "monai", "deepseek"): a message may lead with one
        self._orgs = {org.replace("-", "").replace("_", ""): org for org in {e.model.org for e in self._entries} if org}
        self._mark_tuned_twins()
        self._configs_by_name: dict[tuple, list[int]] = defaultdict(list)  # same name, any publisher or release
        for index, entry in enumerate(self._entries):
            if entry.model.has_config:
                self._configs_by_name[_name_shape(entry)].append(index)
        self._originals = [i for i, e in enumerate(self._entries) if not e.variant]
        self._spelling = [" ".join(e.tokens.words + e.tokens.numbers) for e in self._entries]
        self._scores: dict[tuple[str, str], float] = {}
        self._posting_sets: dict[str, frozenset[int]] = {}
        self._sizeless = frozenset(i for i, e in enumerate(self._entries) if not e.tokens.sizes)
        # spelling candidates by first letter and length: a misspelt name keeps its first letter and differs
        # in length by a letter or two ("lama", "mistrall", "gemna")
        self._vocabulary: dict[tuple[str, int], list[str]] = defaultdict(list)
        for word in sorted(self._by_word):
            if not any(ch.isdigit() for ch in word):
                self._vocabulary[(word[0], len(word))].append(word)
        self._starts = frozenset(
            word for (_, word), count in self._publisher.items() if len(word) > 1 and word not in _NOT_A_MODEL_START
        )

    def _mark_tuned_twins(self) -> None:
        """Llama-3.1-8B has a twin Llama-3.1-8B-Instruct: serving means the twin. Qwen3-235B-A22B has none
        (its Instruct-2507 is a later release), so the name as written is the chat model."""
        def shape(entry: _Entry) -> tuple:
            return entry.model.org, tuple(sorted(entry.tokens.name_words)), tuple(sorted(entry.tokens.numbers))

        tuned = {shape(e) for e in self._entries if e.tokens.tuned is True}
        untuned = {shape(e) for e in self._entries if e.tokens.tuned is not True}
        for entry in self._entries:
            entry.tuned_twin = entry.tokens.tuned is not True and shape(entry) in tuned
            entry.base_twin = entry.tokens.tuned is True and shape(entry) in untuned

    def config_donors(self, key: str, limit: int = 5) -> list[CatalogModel]:
        """Models of the same name (any publisher, instruct or base) with an architecture config: an instruction
        release shares its base's architecture, a mirror its original's. Same publisher and originals first."""
        index = self._by_key.get(key)
        if index is None:
            return []
        entry = self._entries[index]
        donors = [self._entries[i] for i in self._configs_by_name.get(_name_shape(entry), ()) if i != index]
        donors.sort(key=lambda other: (other.model.org != entry.model.org, other.variant,
                                       -(other.model.downloads or 0), other.model.id))
        return [other.model for other in donors[:limit]]

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> CatalogModel | None:
        index = self._by_key.get(key)
        return self._entries[index].model if index is not None else None

    # --- resolution --------------------------------------------------------------------------------

    def resolve(self, text: str, *, serving: bool = True, params_billions: float | None = None,
                suggest: bool = True) -> Resolution:
        """The catalog model `text` names. `serving` prefers an instruction release when the text does not say;
        `params_billions` (a size said elsewhere in the request) constrains a text that names no size; `suggest`
        also tries close spellings of words the catalog does not know and looks for close names when nothing
        matches (for "did you mean"); without it only the words as written are tried (fast, for mentions)."""
        query = _known_precision(name_tokens(text))
        direct = self._by_id(text, query, serving, params_billions)
        if direct is not None:
            return direct
        if not query.name_words:
            return Resolution(text, None, tokens=query, precision=query.precision)
        org, words, passing = self._match(text, query, params_billions, suggest)
        if not passing:
            close = self._close(text) if suggest else ()
            return Resolution(text, None, close, tokens=query, precision=query.precision)
        return self._pick(text, query, words, passing, org, serving)

    def _by_id(self, text: str, query: NameTokens, serving: bool, params_billions: float | None) -> Resolution | None:
        """A Hub id written out; a quantiser's copy (TheBloke/…-GGUF, hugging-quants/…-AWQ-INT4) is the model it
        copies, found by its name."""
        if "/" not in text:
            return None
        exact = self._exact(text)
        if exact is not None and not exact.variant:
            return Resolution(text, exact.model, precision=query.precision, tokens=query)
        if exact is None and text.split("/", 1)[0].strip().lower() not in QUANTISER_ORGS:
            return None
        original = self.resolve(text.split("/", 1)[1], serving=serving, params_billions=params_billions, suggest=False)
        if original.model is not None and not self._entries[self._by_key[original.model.key]].variant:
            return original
        return Resolution(text, exact.model, precision=query.precision, tokens=query) if exact else None

    def _match(self, text: str, query: NameTokens, params_billions: float | None,
               suggest: bool) -> tuple[str | None, tuple[str, ...], list[int]]:
        """(an organisation the text names, the words as the catalog spells them, the candidates that pass)."""
        org = text.strip().lower().split("/", 1)[0] if "/" in text else None
        for org_hint, said in self._word_readings(query.name_words):
            for spell in (self._known, self._spelled) if suggest else (self._known,):
                words = spell(said)
                if words is None:
                    continue
                candidates = self._sized(self._candidates((*words, *sorted(query.versions))), query)
                passing = [i for i in candidates if self._passes(self._entries[i], query, words, params_billions)]
                if passing:
                    return org or org_hint, words, passing
        return org, tuple(query.name_words), []

    def _pick(self, text: str, query: NameTokens, words: tuple[str, ...], passing: list[int], org: str | None,
              serving: bool) -> Resolution:
        """The best candidate, its runners-up and whether the choice was a toss-up between different models."""
        # the first fields of the order are fixed per entry: rank fully only the best group of them
        cheap = {i: (self._entries[i].org != org if org else False, self._entries[i].variant,
                     not self._entries[i].official) for i in passing}
        first = min(cheap.values())
        group = [i for i in passing if cheap[i] == first]
        keys = {i: (*cheap[i], *self._rank(self._entries[i], query, words, serving)[2:]) for i in group}
        ranked = sorted(group, key=keys.__getitem__)
        if len(ranked) <= _RUNNERS_UP:  # runners-up from the next groups, by the same fixed fields and popularity
            rest = sorted((i for i in passing if cheap[i] != first),
                          key=lambda i: (cheap[i], -(self._entries[i].model.downloads or 0), self._entries[i].model.id))
            ranked += rest[:_RUNNERS_UP]
        best = self._entries[ranked[0]]
        if not best.official and self._extra_words(best, words):
            # only a stranger's model carrying words the user did not say: not what was meant
            return Resolution(text, None, tuple(self._entries[i].model.id for i in ranked[:_RUNNERS_UP]),
                              tokens=query, precision=query.precision)
        tier = keys[ranked[0]][:_TIER + 1]
        rivals = [self._entries[i] for i in ranked[1:] if i in keys and keys[i][:_TIER + 1] == tier
                  and self._differs(self._entries[i], best)]
        others = rivals or [self._entries[i] for i in ranked[1:]]
        runners = tuple(dict.fromkeys(e.model.id for e in others if e.model.id != best.model.id))[:_RUNNERS_UP]
        return Resolution(text, best.model, runners, ambiguous=bool(rivals), precision=query.precision, tokens=query,
                          notes=self._notes(text, best, query, words, bool(rivals), runners))

    def _exact(self, text: str) -> _Entry | None:
        """A Hub id written out ("meta-llama/Llama-3.1-8B") is that repository; a quantised copy's id
        ("Qwen/Qwen2.5-7B-Instruct-AWQ") is its base when the catalog has the base."""
        if "/" not in text.strip().strip("/"):
            return None
        index = self._by_key.get(model_key(text))
        base = variant_base(text)
        if base is not None and "/" in base[0] and (base_index := self._by_key.get(model_key(base[0]))) is not None:
            index = base_index
        return self._entries[index] if index is not None else None

    def _word_readings(self, words: Sequence[str]) -> list[tuple[str | None, tuple[str, ...]]]:
        """The words as said, then without a leading organisation name ("openai whisper large v3")."""
        readings: list[tuple[str | None, tuple[str, ...]]] = [(None, tuple(words))]
        if len(words) > 1 and words[0] in self._orgs:
            readings.append((self._orgs[words[0]], tuple(words[1:])))
        return readings

    def _known(self, words: Sequence[str]) -> tuple[str, ...] | None:
        return tuple(words) if all(word in self._by_word for word in words) else None

    def _spelled(self, words: Sequence[str]) -> tuple[str, ...] | None:
        """Each long word as the catalog most often spells a close form ("lama" → "llama"); None when one has
        no close form."""
        spelled = []
        for word in words:
            if len(word) < 4:
                if word not in self._by_word:
                    return None
                spelled.append(word)
                continue
            pool = [w for size in range(len(word) - 2, len(word) + 3) for w in self._vocabulary.get((word[0], size), ())]
            close = process.extract(word, pool, scorer=fuzz.ratio, score_cutoff=SPELLING_CUTOFF, limit=12)
            if not close:
                return None
            spelled.append(max(close, key=lambda match: (len(self._by_word.get(match[0], ())), match[1]))[0])
        return tuple(spelled)

    def _candidates(self, words: Sequence[str]) -> list[int]:
        postings = sorted((self._by_word.get(word, ()) for word in words), key=len)
        found = set(postings[0])
        for posting in postings[1:]:
            found.intersection_update(posting)
        return sorted(found)

    def _sized(self, candidates: list[int], query: NameTokens) -> list[int]:
        """Candidates with each size the query names, or with no size in their name (checked by count later)."""
        for size in query.sizes:
            having = self._posting_set(size)
            candidates = [i for i in candidates if i in having or i in self._sizeless]
        return candidates

    def _posting_set(self, word: str) -> frozenset[int]:
        found = self._posting_sets.get(word)
        if found is None:
            found = self._posting_sets[word] = frozenset(self._by_word.get(word, ()))
        return found

    def _passes(self, entry: _Entry, query: NameTokens, words: Sequence[str], params_billions: float | None) -> bool:
        tokens = entry.tokens
        if query.tuned is True and tokens.tuned is not True or query.tuned is False and tokens.tuned is True:
            return False
        have = set(tokens.numbers)
        for number in query.numbers:
            if number not in have and not self._size_by_params(number, entry, query):
                return False
        asked = {version_family(v) for v in query.versions}
        if any(version_family(v) in asked for v in tokens.versions - query.versions):
            return False  # "llama 3" is not Llama 3.1; "minimax m2" is not M2.5
        if params_billions and not query.sizes and not self._near(entry.model.params_billions, params_billions):
            return False
        return True

    @staticmethod
    def _size_by_params(number: str, entry: _Entry, query: NameTokens) -> bool:
        """A size the repo name does not carry ("GLM-4.5 355B") checked against the catalog's count."""
        if number not in query.sizes or entry.tokens.sizes or not number.endswith("b") or "x" in number:
            return False
        try:
            said = float(number.removeprefix("a").removesuffix("b"))
        except ValueError:
            return False
        count = entry.model.params_active if number.startswith("a") else entry.model.params_total
        return ModelResolver._near(count / 1e9 if count else None, said)

    @staticmethod
    def _near(billions: float | None, said: float) -> bool:
        return billions is not None and abs(billions - said) <= SIZE_TOLERANCE * said

    def _rank(self, entry: _Entry, query: NameTokens, words: Sequence[str], serving: bool) -> tuple:
        """`_tier` (its first _TIER fields), then popularity and the id as tie-breakers."""
        return (*self._tier(entry, query, words, serving), -(entry.model.downloads or 0), len(entry.model.id),
                entry.model.id)

    @staticmethod
    def _extra_words(entry: _Entry, words: Sequence[str]) -> list[str]:
        return [w for w in entry.tokens.name_words if w not in words]  # name_words has no neutral words

    def _tier(self, entry: _Entry, query: NameTokens, words: Sequence[str], serving: bool) -> tuple:
        """Everything the order rests on except popularity: equal tiers with different models are ambiguous."""
        extra_words = sum(1 for w in entry.tokens.name_words if w not in words)
        said = query.numbers
        extra_numbers = sum(1 for n in entry.plain_numbers if n not in said)
        revisions = sum(1 for n in entry.revisions if n not in said)
        if query.tuned is not None:
            untuned = 0  # said, and the constraint already holds
        elif serving:  # people talk to the instruction release
            untuned = int(entry.tuned_twin or entry.tokens.tuned is False)
        else:  # training and fine-tuning start from the release named as written
            untuned = int(entry.base_twin)
        publisher = self._publisher_score(entry.org, words[0])
        return (int(entry.variant), int(not entry.official), extra_words, -publisher, untuned, extra_numbers, revisions)

    def _publisher_score(self, org: str, word: str) -> float:
        """Both signals on a log scale: many releases or many downloads of the family make a publisher."""
        score = self._scores.get((org, word))
        if score is None:
            downloads, count = self._publisher.get((org, word), (0, 0))
            score = self._scores[(org, word)] = round(math.log10(1 + downloads) + 2 * math.log2(1 + count), 3)
        return score

    @staticmethod
    def _differs(entry: _Entry, best: _Entry) -> bool:
        return (entry.tokens.versions, entry.tokens.sizes) != (best.tokens.versions, best.tokens.sizes)

    def _close(self, text: str) -> tuple[str, ...]:
        """Ids spelt most like `text`, for "did you mean": originals sharing a word with it, else any original."""
        tokens = name_tokens(text)
        wanted = " ".join(tokens.words + tokens.numbers)
        sharing = sorted({i for word in tokens.name_words for i in self._by_word.get(word, ())
                          if not self._entries[i].variant})
        pool = sharing or self._originals
        choices = [self._spelling[i] for i in pool]
        found = process.extract(wanted, choices, scorer=fuzz.token_sort_ratio, limit=_RUNNERS_UP, score_cutoff=60)
        return tuple(self._entries[pool[index]].model.id for _, _, index in found)

    @staticmethod
    def _notes(text: str, best: _Entry, query: NameTokens, words: Sequence[str], ambiguous: bool,
               runners: tuple[str, ...]) -> tuple[str, ...]:
        notes = []
        if ambiguous and runners:
            notes.append(f"'{text}' matches several catalog models; {best.model.id} was taken (also: "
                         f"{', '.join(runners)}) — name the version or size to choose another")
        if query.tuned is None and best.tokens.tuned is True:
            notes.append(f"'{text}' read as the instruction-tuned release {best.model.id} (say 'base' for the base "
                         "model)")
        if query.precision:
            notes.append(f"'{text}' names a {query.precision} copy: sized as {best.model.id} at {query.precision}")
        return tuple(notes)

    def starts_a_name(self, word: str) -> bool:
        """Whether `word` (one lower-case word) begins some publisher's model names ("glm", "qwen", "whisper")."""
        return word in self._starts


def _known_precision(tokens: NameTokens) -> NameTokens:
    """The tokens with a precision sizing knows, or none ("q9_z" from an odd file name is not a precision)."""
    if tokens.precision is None:
        return tokens
    try:
        precision_named(tokens.precision)
    except ValueError:
        return replace(tokens, precision=None)
    return tokens


def _name_shape(entry: _Entry) -> tuple:
    """A name without its publisher and without instruct/base words: the same model's other releases share it."""
    return tuple(sorted(entry.tokens.name_words)), tuple(sorted(entry.tokens.numbers))


# --- one index per catalog version --------------------------------------------------------------------

_LOCK = threading.Lock()
_INDEXES: dict[str, tuple[tuple, ModelResolver]] = {}


def cached_resolver(cache_key: str, version: tuple, load, *, session: Session | None = None) -> ModelResolver:  # noqa: ANN001
    """The resolver for `cache_key` at `version`, built from `load()` (CatalogModel rows) when missing or older.

    The build (seconds) runs outside the lock, so resolutions against the current index go on meanwhile; a
    session still reading an older catalog version (a sync finishing) uses the newer index rather than
    rebuilding the old one. With a `session`, the built resolver is also kept on disk (`index_cache`) for the next
    process.
    """
    with _LOCK:
        cached = _INDEXES.get(cache_key)
    if cached is not None and cached[0] >= version:
        return cached[1]
    built = (load_or_build("model-resolver", session, version, lambda: ModelResolver(load())) if session is not None
             else ModelResolver(load()))
    with _LOCK:
        cached = _INDEXES.get(cache_key)
        if cached is None or cached[0] < version:
            cached = _INDEXES[cache_key] = (version, built)
        return cached[1]
