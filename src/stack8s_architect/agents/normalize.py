"""The first stage of understanding: one message → one normalised English text the later stages read.

- white space collapsed, typographic quotes and dashes made plain;
- the language guessed (English, German, Spanish or French, from their commonest words);
- number words made digits in that language by `text2num` ("twenty five users" → "25 users", "acht GPUs" →
  "8 GPUs", "vingt-cinq mille dollars" → "25000 dollars");
- digit groups joined ("25 000", and "25.000" in German, Spanish or French);
- the few words of the other languages that carry a slot (users, per month, not, without, instead of, Europe, …)
  replaced by their English words, so one set of rules reads all four.

A pure function; the text it returns is what the notes quote.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from text_to_num import alpha2digit

_LANGUAGE_WORDS = {
    "de": frozenset("und für wir brauchen nicht kein keine ohne mit pro nutzer benutzer monat bitte wie viel auf "
                    "statt aber oder ist sind möchten wollen sollte trainieren warum lange mitarbeiter "
                    "gleichzeitig unser unsere unseren unserem eigenen kostet wissen noch einen einem hallo danke "
                    "pflicht".split()),
    "es": frozenset("para usuarios necesitamos queremos sin con por mes pero también cuánto cuanto qué porque "
                    "entrenar modelo mejor dólares año los las una unos tengo nube cualquier menos hola nada "
                    "instancias favor nuestro nuestros propio propios servidores somos tiene cumplir correr "
                    "necesito ayuda gracias fueran peticiones segundo otra cosa ".split()),
    "fr": frozenset("pour utilisateurs nous avons voulons sans avec par mois mais aussi combien pourquoi "
                    "entraîner modèle mieux les des une est sur plutôt pas plaît s'il svp notre nos cherche "
                    "équipe salut bonjour merci il faut quel quelle coût mensuel données doivent rester et suffit "
                    "est-ce".split()),
}
_WORD = re.compile(r"[a-zäöüßáéíóúñàâçèêëîïôûù]+", re.IGNORECASE)

# Foreign words that carry a slot → the English the rules read (longest phrases first within a language).
_LEXICON: dict[str, tuple[tuple[str, str], ...]] = {
    "de": (
        (r"(?:das |die |den )?(budget|nutzer\w*|gpus?|kontext) verdoppeln", r"double the \1"),
        (r"(?:das |die |den )?(budget|nutzer\w*|gpus?|kontext) halbieren", r"halve the \1"),
        (r"und wenn|was wenn", "what if"), (r"gleichzeitige[nr]?", "concurrent"), (r"gleichzeitig", "at once"),
        (r"(?:be)?nutzer(?:innen)?|anwender(?:innen)?", "users"), (r"mitarbeiter(?:innen)?", "employees"),
        (r"kollegen|kolleginnen", "colleagues"), (r"pro monat|im monat|monatlich", "per month"),
        (r"pro stunde", "per hour"), (r"pro jahr|im jahr|jährlich", "per year"), (r"ohne", "without"),
        (r"nicht", "not"), (r"keine[nm]?|kein", "no"), (r"anstelle von|anstatt|statt", "instead of"),
        (r"aber|sondern", "but"), (r"außer", "except"), (r"auf", "on"), (r"europa", "europe"),
        (r"deutschland", "germany"), (r"frankreich", "france"), (r"trainieren|training", "train"),
        (r"feinabstimm\w*|feintuning", "fine-tuning"), (r"bereitstellen|betreiben|hosten", "serve"),
        (r"grafikkarten", "gpus"), (r"warum", "why"), (r"wie ?viel", "how much"), (r"wie lange", "how long"),
        (r"was wäre,? (?:mit|wenn)", "what if"), (r"was ist", "what is"), (r"besser", "better"), (r"kostet", "costs"),
        (r"stunden audio", "hours of audio"), (r"bilder(?:n)?", "images"), (r"millionen", "million"),
        (r"milliarden", "billion"), (r"tausend", "thousand"), (r"unsere[nmr]?", "our"), (r"eigene[nmr]?", "own"),
        (r"servern?", "servers"), (r"rechenzentrum", "data center"), (r"und", "and"), (r"oder", "or"),
        (r"doppelt so viele", "twice as many"), (r"halb so viele", "half as many"), (r"doppelte[snm]?", "double the"),
        (r"zwei", "2"), (r"unter", "under"), (r"sekunden", "seconds"), (r"antwortzeit", "latency"),
        (r"dsgvo", "GDPR"), (r"nichts", "nothing"), (r"bei", "at"), (r"wie die|wie der|wie", "like"),
        (r"consumer-karten|consumer-grafikkarten|gaming-karten", "consumer cards"), (r"karten", "cards"),
        (r"mindestens", "at least"), (r"speicher", "memory"), (r"je karte|pro karte|pro gpu", "per gpu"),
        (r"bildgenerierung", "image generation"), (r"passt", "fits"), (r"reicht", "enough"), (r"hallo|guten (?:tag|morgen)", "hello"),
        (r"danke", "thanks"),
    ),
    "es": (
        (r"usuarios? (?:concurrentes|simultáneos)", "concurrent users"), (r"usuarios?", "users"),
        (r"empleados", "employees"), (r"personas", "people"), (r"al mes|por mes|mensuales|mensual", "per month"),
        (r"por hora", "per hour"), (r"al año|por año|anuales|anual", "per year"), (r"sin", "without"),
        (r"en lugar de|en vez de", "instead of"), (r"pero", "but"),
        (r"cualquier (?:cosa|nube) menos|todo menos", "anything but"), (r"menos de", "under"), (r"excepto|salvo|menos", "except"),
        (r"menos de", "under"), (r"el triple de", "triple the"), (r"en lotes?|por lotes", "batch"), (r"excluye|excluir|excluyan", "exclude"),
        (r"nada de", "no"), (r"que no sea(?: en| con)?", "not on"), (r"ni", "nor"), (r"por debajo de", "under"),
        (r"peticiones|solicitudes", "requests"), (r"por segundo", "per second"), (r"por minuto", "per minute"),
        (r"y si", "what if"), (r"generaci[oó]n de im[aá]genes", "image generation"), (r"al menos|m[ií]nimo", "at least"),
        (r"memoria", "memory"), (r"cada una|cada uno", "each"), (r"instancias", "instances"), (r"europa", "europe"), (r"alemania", "germany"),
        (r"españa", "spain"), (r"entrenar", "train"), (r"servir|desplegar", "serve"), (r"por qu[eé]", "why"),
        (r"cu[aá]nto tiempo", "how long"), (r"cu[aá]nto", "how much"), (r"d[oó]lares", "dollars"),
        (r"im[aá]genes", "images"), (r"horas de audio", "hours of audio"), (r"mil millones", "billion"),
        (r"millones", "million"), (r"mil", "thousand"), (r"presupuesto", "budget"),
        (r"nuestros? propios? (?:servidores|cl[uú]ster)", "our own servers"), (r"la mitad de (?:las|los)?", "half the"),
        (r"el doble de (?:las|los)?", "double the"), (r"dos", "2"), (r"menos de", "under"),
        (r"segundos?", "seconds"), (r"latencia", "latency"), (r"rgpd", "GDPR"), (r"qu[eé] pasar[ií]a si", "what if"),
        (r"diferencia entre", "difference between"), (r"cuesta", "costs"), (r"mejor", "better"), (r"y", "and"),
        (r"o", "or"), (r"de", "of"), (r"en", "in"), (r"hola|buenos d[ií]as", "hello"), (r"gracias", "thanks"), (r"cabe|cabr[ií]a", "fit"),
    ),
    "fr": (
        (r"utilisateurs? (?:simultan[ée]s|concurrents)", "concurrent users"), (r"utilisateurs?", "users"),
        (r"personnes", "people"), (r"[ée]quipe", "team"), (r"par mois|mensuels?|/mois", "per month"),
        (r"par heure", "per hour"), (r"par an", "per year"), (r"sans", "without"), (r"sous", "under"),
        (r"secondes?", "seconds"), (r"latence", "latency"), (r"tout sauf|n'importe quoi sauf", "anything but"),
        (r"ne|n'", ""), (r"pas de|pas d'", "no "), (r"pas", "not"), (r"chacune?", "each"), (r"avec", "with"),
        (r"chez", "at"), (r"en m[eê]me temps", "at once"), (r"pas plus de", "no more than"), (r"par", "per"),
        (r"est-ce qu'une|est-ce qu'un|est-ce que", "does"), (r"suffit|suffirait|suffiraient", "suffice"),
        (r"artistes", "artists"), (r"d'instances|instances", "instances"), (r"au moins", "at least"), (r"uniquement", "only"),
        (r"de m[ée]moire", "of memory"), (r"m[ée]moire", "memory"), (r"g[ée]n[ée]ration d'images", "image generation"),
        (r"contexte", "context"), (r"requ[eê]tes", "requests"), (r"par seconde", "per second"),
        (r"sauf|à part", "except"), (r"au lieu de|au lieu d'|plutôt que", "instead of"), (r"mais", "but"),
        (r"sur", "on"), (r"allemagne", "germany"), (r"entra[iî]ner", "train"),
        (r"servir|d[ée]ployer|h[ée]berger", "serve"), (r"pourquoi", "why"), (r"combien de temps", "how long"),
        (r"combien", "how much"), (r"heures d'audio", "hours of audio"), (r"milliards?", "billion"),
        (r"millions?", "million"), (r"un million", "1 million"), (r"d'images", "images"),
        (r"nos propres serveurs|nos propres machines|notre propre cluster", "our own servers"),
        (r"traitement par lots|par lots", "batch"), (r"deux", "2"), (r"rgpd", "GDPR"), (r"et si", "what if"),
        (r"mieux", "better"), (r"diff[ée]rence entre", "difference between"), (r"co[uû]te", "costs"),
        (r"fois plus d'|fois plus de", "x the "), (r"la moitié des?", "half the"), (r"et", "and"), (r"ou", "or"), (r"de", "of"), (r"d'", "of "), (r"usage commercial", "commercial use"),
        (r"quel est|quelle est", "what is"), (r"co[uû]t", "cost"),
        (r"bonjour|salut", "hello"), (r"merci", "thanks"), (r"tient|tiendrait", "fits"),
    ),
}
def _alternatives(words: str) -> list[str]:
    """The top-level alternatives of a pattern ("a|b(?:c|d)" → ["a", "b(?:c|d)"])."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(words):
        depth += char == "("
        depth -= char == ")"
        if char == "|" and depth == 0:
            parts.append(words[start:index])
            start = index + 1
    return [*parts, words[start:]]


def _lexicon_pattern(words: str) -> re.Pattern[str]:
    """Whole words only — except an elided French article ("d'", "l'"), which joins the next word."""
    return re.compile(r"(?<!\w)(?:" + "|".join(alt if alt.endswith("'") else alt + r"(?![\w'])"
                                                for alt in _alternatives(words)) + ")", re.IGNORECASE)


_LEXICON_PATTERNS = {language: [(_lexicon_pattern(words), english) for words, english in table]
                     for language, table in _LEXICON.items()}
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": " - ", "\u00a0": " ",
                         "\u202f": " ", "\u2009": " "})
# "25 000", "1 200 000": thousands separated by a space (never a year and a count: "2025 000" has 4 digits first)
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?: \d{3})+)(?![\d.,]| ?[a-z]*\d)")
_DOTTED_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?:\.\d{3})+)(?![\d.])")
_SCALED = re.compile(r"(\d)\s+(thousand|million|billion|trillion|mil|millones|millions?|milliards?|tausend|"
                     r"millionen|milliarden)\b", re.IGNORECASE)
_SCALED_BACK = re.compile(r"§(\w+)§")
# "120 thousand dollars", "1.2 million photos" → digits; billions and trillions stay words ("300 billion tokens")
_COLLAPSE = re.compile(r"(?<![\d.,])(\d{1,4}(?:\.\d{1,3})?)\s+(thousand|million)\b", re.IGNORECASE)
_MAGNITUDE = {"thousand": 1e3, "million": 1e6}
_DECIMAL_COMMA = re.compile(r"(?<![\d.,])(\d{1,6}),(\d{1,2})(?!\d)")


# Words no English message uses: one is enough to tell the language.
_TELLING = frozenset("nutzer benutzer brauchen nicht ohne warum danke möchten kein keine bitte mitarbeiter das ca "
                     "gleichzeitig kostet unserem unseren pflicht mitarbeiter usuarios necesitamos queremos cuánto gracias dólares "
                     "nube cualquier instancias somos necesito nuestro peticiones necesitamos excluye utilisateurs pourquoi combien merci fois nous "
                     "voulons plaît notre équipe salut quel quelle coût".split())


_SHORT_MESSAGE = 6
_ENGLISH_TOO = frozenset("pro mit con est des les une sin ist die was on in an am or".split())


def guess_language(text: str) -> str:
    """en, de, es or fr: the language whose common words the text uses most (two at least), else English."""
    words = [w.lower() for w in _WORD.findall(text)]
    scores = {language: sum(1 + (word in _TELLING) for word in words if word in vocabulary)
              for language, vocabulary in _LANGUAGE_WORDS.items()}
    best = max(scores, key=lambda language: scores[language])
    if scores[best] == 1 and len(words) <= _SHORT_MESSAGE and not set(words) & _ENGLISH_TOO:
        return best  # "Ah, et pas d'AWS.": a short message has few words to tell its language by
    return best if scores[best] >= 2 else "en"


_TABLE_ROW = re.compile(r"^[ \t]*\|([^|\n]+)\|([^|\n]+)\|[ \t]*$", re.MULTILINE)
_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{2,}.*$", re.MULTILINE)


@lru_cache(maxsize=4096)
def normalize(message: str) -> str:
    """The message as the rules read it: plain English words, digits for numbers."""
    message = _TABLE_RULE.sub("", message)  # a pasted Markdown table: each row "| key | value |" as "key: value;"
    message = _TABLE_ROW.sub(lambda m: f"{m.group(1).strip()}: {m.group(2).strip()};", message)
    text = " ".join(message.translate(_QUOTES).split())
    language = guess_language(text)
    if language != "en":
        text = _DOTTED_THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(".", ""), text)
        text = _DECIMAL_COMMA.sub(r"\1.\2", text)
    text = _SPACED_THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), text)
    text = _SCALED.sub(lambda m: f"{m.group(1)} §{m.group(2)[::-1]}§", text)  # "300 billion tokens" stays so: a magnitude after digits is not a number
    try:
        text = alpha2digit(text, language)
    except Exception:  # pragma: no cover - text2num refuses nothing we know of; the words stay words
        pass
    text = _SCALED_BACK.sub(lambda m: m.group(1)[::-1], text)
    text = re.sub(r"\b(?:a|one) (3rd|4th)\b", lambda m: "a third" if m.group(1) == "3rd" else "a quarter", text)
    for pattern, english in _LEXICON_PATTERNS.get(language, ()):
        text = pattern.sub(english, text)
    if language == "fr":  # "200 Go", "3 To": French byte units
        text = re.sub(r"(\d)\s*([GTM])o\b", r"\1 \2B", text)
    text = _COLLAPSE.sub(lambda m: f"{round(float(m.group(1)) * _MAGNITUDE[m.group(2).lower()]):d}", text)
    return _WORD_TOKEN.sub(_spelled, " ".join(text.split()))


# The words that carry slots, for typos one edit away ("usres", "bugdet", "azrue", "contxt"): only words of five
# letters or more, and never a word that is itself one of them or its plural.
_SLOT_WORDS = frozenset("""users budget month monthly context concurrent training inference azure google amazon
runpod europe requests latency dataset images hours instances spot gpus serve deploy finetune fine-tune frankfurt
quantized simultaneous employees customers people requirements""".split())
_WORD_TOKEN = re.compile(r"(?<![\w-])[A-Za-z][a-z]{4,}(?![\w-])")


def _spelled(match: re.Match[str]) -> str:
    word = match.group(0)
    lowered = word.lower()
    if lowered in _SLOT_WORDS or lowered.rstrip("s") in _SLOT_WORDS or lowered + "s" in _SLOT_WORDS:
        return word
    fixed = process.extractOne(lowered, _SLOT_WORDS, scorer=DamerauLevenshtein.distance, score_cutoff=1)
    return fixed[0] if fixed else word
