"""Dialogue acts: what a message *does* — asks for a plan, corrects one, asks about it, greets, or strays.

A pure function of the normalised message, what it states (the extraction's spec update) and whether a plan
is on the table. Rules, in this order, each readable on its own:

1. **question** — interrogative ("will it fit on a T4?", "why the H100", "how much VRAM", "what if we had 100
   users", "compare L40S and A100") and not an imperative change ("switch to GCP — why was AWS picked?" is a
   request). Before any plan, a question that states the workload ("what would Llama 70B for 50 users cost?")
   is the request itself; "will X fit on Y" and comparisons are answered from the catalogs either way.
2. **correction** — takes back what was said ("I meant GCP", "scratch that", "typo: 400 users", "no wait, 20
   users not 40") and states the replacement.
3. **request** — states or changes facts (including relative changes, "cheaper", "faster").
4. **greeting** — hello, thanks, bye, "sounds good".
5. **vague** — about AI infrastructure, but nothing that can be planned yet ("I need GPUs").
6. **off_topic** — nothing about AI/ML infrastructure at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ActKind = Literal["request", "correction", "question", "greeting", "vague", "off_topic"]
Topic = Literal["why", "fit", "memory", "duration", "cost", "compare", "what_if"]


@dataclass(frozen=True)
class Act:
    kind: ActKind
    topic: Topic | None = None

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.topic}" if self.topic else self.kind


_QUESTION_START = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|and|but|hmm+|also|quick question|one more thing|btw|then|wait|hey)[,:]?\s+)*"
    r"(?:will|would|wo(?:n't|uld)|can|could|does|do|is|are|isn't|should|how|why|what|which|where|whats|what's|y u|"
    r"when|did|has|have|was|were|any idea|tell me|explain|compare|remind me)\b", re.I)
_WHAT_IF = re.compile(r"\b(what if|what about if|what would (?:it|this|that) look like|how would (?:it|this) look|"
                      r"what would .{1,30} do to|what would .{1,30} cost|what would (?:happen|it cost|the cost be|change)|what happens if|"
                      r"suppose|supposing|imagine|hypothetically|if we (?:had|went|used|switched|moved|doubled|"
                      r"halved|tripled|cut|added|go|use)|what(?:'s| is| would be)? the (?:cost|price|bill) "
                      r"(?:with|if|for)|how (?:much|would)\b.{0,40}\b(?:if|with) )", re.I)
_TOPICS: tuple[tuple[Topic, re.Pattern[str]], ...] = (
    ("compare", re.compile(r"\b(compare[sd]?|comparison|versus|vs\.?|difference between|which (?:is|one|would be) "
                           r"(?:better|cheaper|faster|best|the best)|which one|"
                           r"better|cheaper than|faster than|slower than|more expensive than|stack up|"
                           r"or (?:the )?[a-z]?\d{1,4}\w*\s*\?|how do(?:es)? .{1,40} compare)\b", re.I)),
    ("why", re.compile(r"\b(why|how come|reason|explain|justify|rationale|y u|what made you|picked|chose|choice|"
                       r"chosen|went with|go with)\b", re.I)),
    ("fit", re.compile(r"\b(fits?|fitting|enough|sufficient|suffice|big enough|large enough|run on|work on|runs on|"
                       r"handle|cope|be ok(?:ay)?|do the job|squeeze|cut it|(?:could|can|would|will) (?:it|that|this|"
                       r"we|i) (?:just |even |still )?(?:run|work|use)|run (?:it|this|that) on|works?\s*(?=\?)|work for (?:this|us|it))",
                       re.I)),
    ("memory", re.compile(r"\b(vram|gpu memory|memory|how many (?:gb|gigs|gib)|hbm|kv cache)\b", re.I)),
    ("duration", re.compile(r"\b(how long|how many (?:hours|days|weeks)|duration|time to train|training time|"
                            r"take to (?:train|finish|run)|eta|done by|be done|finish(?:ed)?|tard\w*|dauert|"
                            r"combien de temps|wall[- ]?clock|how fast will (?:it|training))\b", re.I)),
    ("cost", re.compile(r"\b(cost|costs|price|pricing|bill|spend|expensive|cheap|how much|per hour|per month|monthly|"
                        r"hourly|within (?:our |the )?budget|over (?:our |the )?budget|total|\$)", re.I)),
)
_IMPERATIVE = re.compile(
    r"^\s*(?:(?:ok(?:ay)?|so|then|and|please|pls|actually|now|alright|right|great|cool|fine|sorry)[,!.]?\s+)*"
    r"(?:switch|use|make|move|change|put|go with|go for|deploy|run|serve|add|drop|remove|set|give|plan|"
    r"let'?s|lets|try|swap|replace|host|train|fine-?tune|include|exclude|avoid|skip|bump|increase|decrease|reduce|"
    r"halve|double|triple|cut|raise|lower|limit|keep|stick|only|no|not|without|we need|i need|i want|we want)\b",
    re.I)
_IMPERATIVE_VERB = re.compile(r"^\s*(?:please\s+|pls\s+|and\s+|then\s+)?(?:switch|use|make|move|change|put|go with|go for|"
                              r"deploy|add|drop|remove|set|plan|let'?s|lets|swap|replace|include|exclude|avoid|skip|"
                              r"bump|increase|decrease|reduce|halve|double|triple|raise|lower|keep|stick)\b", re.I)
_CORRECTION_STRONG = re.compile(
    r"\b(i meant|i mean|meant to say|scratch that|correction|typo|i said|misspoke|mis-spoke|my bad|my mistake|"
    r"by mistake|mistyped|wrong (?:region|number|model|gpu|cloud|provider|one|figure|size|count)|misread|"
    r"my apologies|wrong number|that was wrong|that's wrong|not what i (?:said|meant)|let me correct|"
    r"i misread|should have said|ich meinte|quise decir|je voulais dire|take (?:that|it) back|scrap that)\b", re.I)
_CORRECTION_WEAK = re.compile(r"(?:^\W*(?:sorry|oops|no,|no no|no wait|wait|hmm|actually|pardon|perd[oó]n|"
                              r"entschuldigung|ah|oh|err|erm|uh)\b|\bnot\s+[$\w.,]+\s*(?:users|gpus?|b)?\s*$|"
                              r"\bafter all\b|\bnot\b.{0,30}$)", re.I)
_GREETING = re.compile(
    r"^\W*(?:hi|hello|hey|hiya|yo|howdy|good (?:morning|afternoon|evening)|greetings|thanks?|thank you|thx|ty|"
    r"cheers|bye|goodbye|see you|ok(?:ay)?|cool|great|nice|perfect|awesome|sounds good|got it|understood|"
    r"that works|looks good|lgtm|much appreciated|appreciate it|wonderful|excellent|brilliant|amazing|"
    r"hello|thanks|fits|alright|all good|super|genial|parfait|vielen dank|muchas gracias|bien|hallo|hola|bonjour|"
    r"nope|no thanks|that's all|thats all|that is all|k thx|kk|k thanks|guten morgen|guten tag|buenos d[ií]as|"
    r"salut|servus|moin|merci|gracias|danke|ciao)\b", re.I)
_INFRA = re.compile(
    r"\b(gpus?|cpus?|models?|llms?|ai|ml|machine learning|deep learning|train\w*|fine-?tun\w*|infer\w*|serv\w*|"
    r"deploy\w*|host\w*|clusters?|cloud|kubernetes|k8s|infra\w*|compute|instances?|vram|budget|cost|plan|"
    r"chat ?bot|assistant|data ?sets?|data|workload|pipeline|neural|transformer|embedding|rag|agents?|"
    r"architecture|setup|stack|helm|server|nodes?|accelerators?|hardware|nvidia|cuda|vision|speech|images?)\b",
    re.I)
_HELP = re.compile(r"\b(help|assist|advice|advise|recommend|suggest|where (?:do i|to) start|not sure|no idea|"
                   r"figure out|guide|need|want|looking for|planning|thinking about|build|set ?up)\b", re.I)


def classify(message: str, stated: set[str], *, has_plan: bool, relative: bool = False,
             refinement: bool = False, proceed: bool = False, overrides: bool = False,
             known: bool = False, answering: bool = False) -> Act:
    """The act of `message` (already normalised): `stated` are the spec fields it states, `relative` whether it
    changes a field relative to before, `refinement` whether it asks for cheaper / more throughput, `proceed`
    whether it leaves the open choices to us ("you decide"), `overrides` whether it replaces or rules out a value
    the conversation already held, `known` whether the conversation holds any fact yet, `answering` whether it
    answers questions asked before any plan ("anywhere is fine, no fixed budget": the open ones become defaults)."""
    text = re.sub(r"^(?:\s*[-*•]\s+)+", "", message.strip())  # "- why nebius": a bullet is no part of the words
    changes = bool(stated) or relative
    facts = bool(stated - _IMPLIED) or relative  # "batch", "training": words a question uses too
    clauses = [clause for clause in _CLAUSES.split(text) if clause]
    topic = question_topic(text)
    interrogative = (text.endswith("?") or topic == "what_if" or bool(_INNER_QUESTION.search(text))
                     or bool(_QUESTION_START.match(text))
                     or any(_CLAUSE_QUESTION.match(clause) for clause in clauses[1:]))
    if (_OFF_TOPIC.search(text) and not _INFRA.search(text)) or _ASIDE.match(text):
        return Act("off_topic")
    if answering and proceed:
        return Act("request")  # "you decide", "what's the price?" after questions: plan with what is known
    imperative = bool(_IMPERATIVE.match(text)) or any(_IMPERATIVE_VERB.match(clause) for clause in clauses[1:])
    if topic is None and text.endswith("?") and len(text.split()) <= 4 and has_plan and not facts:
        topic = "why"  # "and?", "really?": about the plan, the reasons are the answer
    if topic is not None and interrogative and not (imperative and facts and topic != "what_if"):
        asks_about_plan = has_plan or topic in {"fit", "compare"} or not facts
        if asks_about_plan:
            return Act("question", topic)
    if changes and _CORRECTION_STRONG.search(text):
        return Act("correction")
    if changes and has_plan and overrides and _CORRECTION_WEAK.search(text):
        return Act("correction")
    if refinement or (changes and facts) or (proceed and known and not (has_plan and _UNSURE.search(text))):
        return Act("request")
    if answering and not _OFF_TOPIC.search(text):
        return Act("request")  # an answer to the questions asked: what it leaves open becomes a stated default
    if not has_plan and not facts and (_VAGUE.search(text) or (stated and stated <= {"domain"})):
        return Act("vague")  # "how do I even get started with hosting an LLM?": a task, nothing to plan yet
    if changes:
        return Act("request")
    if _GREETING.match(text) and (not interrogative or _SMALL_TALK.search(text)) and not _INFRA_STRONG.search(text):
        return Act("greeting")
    if _INFRA.search(text) or _WHAT_NOW.search(text) or _VAGUE.search(text) or (
            _HELP.search(text) and len(text.split()) <= _SHORT):
        return Act("vague")
    return Act("off_topic")


_IMPLIED = {"task", "domain"}
_ASIDE = re.compile(r"^\W*(?:unrelated|off[- ]topic|random question|totally different (?:question|topic)|on another note)\b",
                    re.I)
_SMALL_TALK = re.compile(r"\b(how are you|how's it going|wie geht'?s|qu[eé] tal|[cç]a va|comment [cç]a va)\b", re.I)
_UNSURE = re.compile(r"\b(not sure|no idea|don'?t know|doesn'?t matter)\b", re.I)
# A later clause asks when it opens with a wh-word ("…, which one is cheaper"), not an auxiliary ("…, has to run on")
_CLAUSE_QUESTION = re.compile(r"^\s*(?:and\s+|but\s+|so\s+)?(?:why|how|what|whats|what's|when|where|y u|which (?:one|gpu|"
                              r"cloud|provider|option|model|would|is (?:better|cheaper|faster|best))|(?:will|would|can|"
                              r"could|does|do|is) (?:it|the|we|this|that|they)\b)\b", re.I)
_INNER_QUESTION = re.compile(r"\b(?:when|how long|how much|how many|why|what|which|where) (?:will|would|does|do|is|are|"
                             r"can|should|did)\b|\by u\b", re.I)
_OFF_TOPIC = re.compile(r"\b(weather|recipe|joke|poem|haiku|song|lyrics|movie|film|tv show|a show|football|soccer|"
                        r"game last night|flight|hotel|refund|my (?:amazon )?order|birthday|restaurant|capital of|"
                        r"horoscope|dating|girlfriend|boyfriend|tiempo hace|temps fait|wetter|carbonara|pizza|what time is it|"
                        r"cover letter|resume|essay|homework|barista|schnitzel|sushi|places? to eat|tips for a good|headsets?|"
                        r"write (?:me )?(?:a |an )?(?:poem|story|song|letter|"
                        r"speech|toast))\b", re.I)
_VAGUE = re.compile(r"\b(get started|getting started|not sure|no idea|what do (?:we|i) need|where (?:do|to) (?:we |i )?"
                    r"start|help|some (?:ai|ml|models?|llm)|something|how do (?:i|we)|figure out|any advice|"
                    r"wissen (?:aber )?(?:noch )?(?:nicht|not)|ayuda|aucune idée|lost|ideas?)\b", re.I)
_INFRA_STRONG = re.compile(r"\b(gpus?|models?|llms?|train\w*|fine-?tun\w*|infer\w*|serv(?:e|ing)|deploy\w*|"
                           r"host\w*|clusters?|kubernetes|vram|budget|chat ?bot|users)\b", re.I)
_WHAT_NOW = re.compile(r"\b(what (?:should|do|can) (?:we|i) do|what now|next steps?|what next|where (?:do|should) "
                       r"(?:we|i) (?:start|begin)|not sure (?:what|where|how))\b", re.I)
_SHORT = 6
_CLAUSES = re.compile(r"[,;.!?]\s*|\s+(?:and|but|also|then|plus)\s+|\s+-\s+", re.I)


_MEMORY_FIRST = re.compile(r"\bhow much (?:\w+ ){0,3}(?:memory|vram)\b", re.I)
_FIT_FIRST = re.compile(r"\b(?:enough|fits?|suffice|sufficient)\b", re.I)


def question_topic(text: str) -> Topic | None:
    """What a question asks about, most specific first (a what-if before the rest)."""
    if _MEMORY_FIRST.search(text):
        return "memory"
    if _WHAT_IF.search(text):
        return "what_if"
    if _FIT_FIRST.search(text) and not re.search(r"\b(?:compare|versus|vs\.?)\b", text, re.I):
        return "fit"
    for topic, pattern in _TOPICS:
        if pattern.search(text):
            return topic
    return None
