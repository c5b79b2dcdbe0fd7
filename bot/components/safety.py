"""The crisis detector: thoughts of suicide get 113, danger right now gets 112, in every state.

Built for recall, in three layers:

1. A trained signal (`CrisisModel`), trained on the `crisis_suicide` and `crisis_danger` examples
   against every other example of the NLU data, the hard negatives included (someone else's suicide
   in the past, a bully's words quoted, figures of speech, danger that is over, a film): a logistic
   regression over word n-grams, character n-grams (typos, chat spelling) and multilingual e5
   sentence embeddings, added to a nearest-neighbour score in e5 space. A long message is also read
   sentence by sentence, so one sentence about a plan inside a long story about a manager is not
   averaged away. The thresholds are low on purpose and come from cross-validation
   (`make crisis-report`, docs/nlu-report.md).
2. A net of first-person patterns beneath it ("ik wil er (eigenlijk) niet meer zijn", "kill
   myself"): when one matches, it is a crisis whatever the model says.
3. A gentle check: a message that speaks of suicide without either of the above (a colleague's
   suicide last year, a quoted insult) gets no alarm, but the parse says `check`, and the assistant
   adds one line: if you think about it yourself, 113 is there.

When a crisis is found, the intent becomes `crisis_suicide` or `crisis_danger` (112 first: danger
wins when both are there); the original ranking stays in `intent_ranking`, so a description in the
same message can still be read. The parse carries `crisis`: the signal, its source and the scores.
Button payloads ("/affirm") are never overridden: the person chose them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
import scipy.sparse as sp
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.components.e5 import embed
from bot.vocab import CRISIS_INTENTS

SUICIDE, DANGER = CRISIS_INTENTS
NONE = "none"
FILE_NAME = "crisis_model.joblib"
PARSE_KEY = "crisis"

# Up to three words may stand between the parts of a phrase ("ik wil er eigenlijk gewoon niet meer zijn").
_GAP = r"(?:\s+[\w'’-]+){0,3}?\s+"
# "ik wil" and "wil ik" (Dutch inversion: "soms wil ik ..."), and chat spelling ("kwil", "k wil").
_I_WANT = rf"(?:\b(?:ik|k|'k){_GAP}(?:wil|wou|wilde)\b|\b(?:wil|wou|wilde)\s+ik\b|\bkwil\b)"
_I_WILL = rf"(?:\b(?:ik|k|'k){_GAP}(?:wil|wou|ga|zal|kan)\b|\b(?:wil|wou|ga|zal|kan)\s+ik\b|\bk(?:wil|ga)\b)"
_NO_MORE = r"\bnie(?:t|ts)?\s+meer\b"


def _near(first: str, second: str, words: int = 5) -> str:
    """`first` and `second` within a few words of each other, in either order."""
    gap = rf"(?:[^\w.!?\n]+[\w'’-]+){{0,{words}}}?[^\w.!?\n]+"  # within one sentence
    return rf"(?:{first}{gap}{second}|{second}{gap}{first})"


# The means, and having them ready (warning signs that suicide-prevention practice names).
_MEANS = r"\b(?:pillen|pilletjes|medicijnen|slaappillen|slaapmiddel(?:en)?|paracetamol|tabletten|pills|tablets|painkillers|sleeping\s+pills)\b"
_READY = r"\b(?:gespaard|opgespaard|verzameld|klaarliggen|klaar\s+liggen|klaargelegd|genoeg|saved(?:\s+up)?|stockpil\w*|collected|hoard\w*|enough)\b"
_ROPE = r"\b(?:touw|strop|rope|noose)\b"
_BOUGHT = r"\b(?:gekocht|gekogt|gehaald|klaar|opgehangen|bought|got|ready)\b"
_NOW = r"(?:\bnu\b|\bzojuist\b|op\s+dit\s+moment|right\s+now|\bnow\b)"
_QUOTED_DEATH = (
    r"(?:zelfmoord|suïcid|su[iï]cide|\bdood\b|kill\s+(?:your|my)self|better\s+(?:off\s+)?(?:dead|without)"
    r"|beter\s+af\s+zonder|ophangen|van\s+het\s+dak|voor\s+de\s+trein)"
)
# "... and I think about it myself", not "I am thinking of filing a complaint" (no "om ..." after it).
_NOT_A_PLAN_FOR = r"(?!\s*,?\s*(?:om|of|to|whether)\b)"
_OWN_AGREEMENT = (
    r"(?:(?:misschien|eigenlijk|soms)\s+(?:moet|zou|heb|hebben)\s+(?:ik|ze|hij|zij)\s+(?:\w+\s+){0,5}?"
    r"(?:doen|gelijk)\b"
    rf"|\bik\s+(?:\w+\s+){{0,2}}?denk\s+er\s+(?:\w+\s+){{0,2}}?(?:over\s+na|aan){_NOT_A_PLAN_FOR}"
    rf"|\bdenk\s+ik\s+(?:er|dat)\s+(?:\w+\s+){{0,3}}?(?:over\s+na|aan|ook){_NOT_A_PLAN_FOR}"
    rf"|\bik\s+(?:er|eraan|daar|daaraan)\s+(?:\w+\s+){{0,2}}?(?:over\s+)?(?:nadenk|aan\s+denk|denk)\b{_NOT_A_PLAN_FOR}"
    r"|\b(?:they|he|she)\s+(?:might|may|could)\s+be\s+right|\bmaybe\s+i\s+should|\bi'?m\s+starting\s+to\s+"
    r"(?:think|believe)|\bi\s+(?:have|'ve)\s+(?:actually\s+|really\s+)?(?:thought|been\s+thinking)\s+about\s+it)"
)
_WEAPON = r"\b(?:mes|messen|wapen|pistool|vuurwapen|schaar|bijl|knife|gun|weapon|axe)\b"
_NET_SUICIDE = [
    rf"{_I_WANT}(?:{_GAP}|\s+)(?:er\s+)?(?:[\w'’-]+\s+){{0,2}}?{_NO_MORE}\s+(?:zijn|leven|bestaan|wakker)",
    rf"{_I_WANT}(?:{_GAP}|\s+)dood\b",
    rf"{_I_WANT}(?:\s+(?:echt|gewoon|eigenlijk|eigk|gwn|ook|er|zo|nu)){{0,2}}\s+{_NO_MORE}\s*(?:[.!…]+\s*)?(?:$|\n)",  # "k wil niet meer"
    rf"\b(?:ik|k){_GAP}(?:denk|dacht|overweeg|pieker)\w*(?:{_GAP}|\s+)(?:aan|over)(?:{_GAP}|\s+)(?:zelfmoord|su[iï]cide|zelfdoding)",
    rf"\b(?:denk|dacht|overweeg|pieker)\w*\s+ik(?:{_GAP}|\s+)(?:aan|over)(?:{_GAP}|\s+)(?:zelfmoord|su[iï]cide|zelfdoding)",
    r"\bzelfmoord\s*gedachte|\bsu[iï]cida(?:le|al)\s+gedachte|\bdoodsgedachte",
    r"\b(?:een\s+)?(?:eind|einde)\s+aan\s+(?:mijn|m'?n|mn|me)\s+(?:eigen\s+)?leven",
    rf"{_I_WILL}(?:{_GAP}|\s+)er\s+(?:zelf\s+)?(?:\w+\s+)?(?:een\s+)?(?:eind|einde)\s+aan\s+(?:maken|make|te\s+maken)",
    r"\bmezelf\s+(?:iets\s+)?(?:aan\s*(?:te\s+)?doen|van\s+kant\s+(?:te\s+)?maken|op\s*(?:te\s+)?hangen|dood\s*(?:te\s+)?maken|om\s+het\s+leven\s+(?:te\s+)?brengen)",
    r"\bmijn\s+leven\s+(?:te\s+)?beëindigen|\bmezelf\s+van\s+het\s+leven\s+(?:te\s+)?beroven",
    r"\bkill(?:ing)?\s+my\s*self\b|\bend(?:ing)?\s+(?:my|my\s+own)\s+life\b|\bend\s+it\s+all\b",
    r"\b(?:i|i'?m|im)\s+(?:\w+\s+){0,3}?(?:want|wanna|going)\s+(?:to\s+)?die\b|\bwant\s+to\s+be\s+dead\b",
    r"\btake\s+my\s+(?:own\s+)?life\b|\bhurt(?:ing)?\s+my\s*self\b",
    r"\bdon'?t\s+want\s+to\s+(?:live|be\s+alive|exist|wake\s+up)\b",
    r"\bi\s*(?:'m|am|feel|felt|have\s+been|was|get)\s+(?:\w+\s+){0,2}?suicidal\b|\bmy\s+suicidal\s+thoughts\b",
    _near(_MEANS, _READY, 4),
    _near(_ROPE, _BOUGHT, 4),
    r"\b(?:hoog\s+genoeg|high\s+enough)\b",
    r"\b(?:voor\s+de\s+trein|op\s+het\s+spoor|van\s+(?:de|het)\s+(?:flat|brug|dak|balkon|viaduct|parkeergarage))\s+(?:te\s+)?(?:springen|stappen|gaan\s+liggen|lopen)",
    r"\b(?:jump|step)\s+(?:off|in\s+front\s+of)\s+(?:a|the)\s+(?:bridge|roof|building|train|tram)\b",
    r"\bafscheidsbrie(?:f|ven)\b|\b(?:dit\s+is|this\s+is)\s+(?:mijn|m'?n|mn|my)\s+laatste\s+bericht|\bthis\s+is\s+my\s+last\s+message\b|\bsuicide\s+note\b",
    r"\b(?:zeg|vertel)\s+(?:\w+\s+){0,4}?dat\s+het\s+niet\s+(?:hun|jouw|zijn|haar|jullie)\s+schuld\s+(?:is|was)\b",
    r"\btell\s+(?:\w+\s+){0,4}?(?:it\s+)?(?:wasn'?t|isn'?t|is\s+not|was\s+not)\s+(?:their|your|his|her)\s+fault\b",
    r"\bwas\s+ik\s+(?:maar\s+)?nooit\s+geboren\b|\bwish\s+i\s+(?:was|were|had)\s+(?:dead|never\s+been\s+born)\b",
    r"\b(?:ik|k)\s+(?:\w+\s+){0,3}?(?:snij|kras|sneed|kraste|beschadig|verwond)\s+(?:mezelf|me|mijn\s+(?:armen|polsen|benen))\b",
    r"\bi\s+(?:\w+\s+){0,3}?(?:cut|cutting|harm|harming|burn|burning)\s+myself\b|\bmy\s+self[-\s]?harm\b",
    r"\b(?:ik|k)\b(?:\W+[\w'’-]+){0,6}?\W+(?:tegen|in)\s+een\s+(?:boom|vrachtwagen|muur|pijler|truck)\s+(?:aan\s+)?(?:te\s+)?(?:rijden|rijd|sturen|stuur|knallen|crashen)",
    r"\b(?:drive|steer|swerve|crash)\s+(?:my\s+car\s+)?into\s+(?:a|the|an)\s+(?:tree|truck|wall|oncoming)",
]
_NET_DANGER = [
    rf"\b(?:ben|zijn|zit|voel\s+me){_GAP}?(?:nu|op\s+dit\s+moment)(?:{_GAP}|\s+)in\s+(?:acuut\s+)?gevaar",
    r"\bacuut\s+gevaar\b",
    r"\b(?:staat|wacht|is|zit)\s+(?:nu|op\s+dit\s+moment)\s+(?:voor|bij|buiten|aan)\s+(?:mijn|de|m'?n)\s+(?:deur|huis|bureau|kamer)",
    r"\bheeft\s+(?:nu\s+)?een\s+(?:mes|wapen|pistool)\s+(?:bij\s+zich\s+)?en\b",
    r"\bi'?m\s+in\s+danger\b|\bin\s+danger\s+right\s+now\b",
    r"\b(?:he|she|they)\s+(?:is|are|'s|'re)\s+(?:outside|at)\s+my\s+(?:door|house|office)\s+(?:now|right\s+now)",
    r"\bik\s+ben\s+in\s+(?:groot\s+)?gevaar\b|(?:^|[.!?,]\s*)(?:bel|call)\s+(?:\w+\s+)?112\b",
    _near(_NOW, _WEAPON, 6),
    r"\b(?:volgt|achtervolgt|volgen|achtervolgen)\s+(?:me|mij)\s+(?:nu|al\s+\w+|sinds\s+ik)\b|\b(?:is|are|'s|'re)\s+following\s+me\b",
    _near(r"\bachter\s+(?:me|mij)\s+aan\b", r"(?:\bnu\b|\bal\b|\bsinds\b)", 6),
    r"\b(?:zit|ben|zitten|zijn)\s+(?:ik\s+|we\s+|wij\s+)?(?:nu\s+)?opgesloten\b|\blocked\s+(?:me\s+|us\s+)?in\b",
    r"\b(?:heeft|heb|has|have)\s+(?:net|zojuist|just)\s+(?:\w+\s+){0,4}?(?:pillen|pills|tabletten|tablets|medicijnen)\b",
    r"\b(?:net|zojuist|just)\s+(?:\w+\s+){0,3}?(?:pillen|pills|tabletten|tablets)\s+(?:\w+\s+)?(?:genomen|geslikt|ingenomen|taken|swallowed)\b",
    r"\b(?:staat|zit|stands?|standing|sitting)\s+(?:nu\s+)?(?:op|on)\s+(?:de\s+rand\s+van\s+|the\s+edge\s+of\s+)?(?:het\s+dak|de\s+brug|the\s+roof|the\s+bridge|de\s+reling)\b",
    r"\b(?:ik\s+hoor|i\s+(?:can\s+)?hear)\s+(?:\w+\s+)?(?:schoten|schieten|gunshots|shots)\b",
    r"\b(?:slaat|schopt|wurgt|stompt)\s+(?:me|mij)\s+nu\b|\b(?:is|are)\s+(?:hitting|strangling|attacking|beating)\s+(?:me|her|him)\b",
]
# Speaking of suicide at all (also of someone else's, or quoting): a gentle check, not an alarm.
_TOPIC = [
    r"zelfmoord|zelfmoort|su[iï]ci?de|zelfdoding|suicid|levensmoe|113\b",
    r"\b(?:beter\s+)?dood\s+(?:kon|kan|moet|zou)\b|\bbeter\s+dood\b|\bga\s+(?:toch\s+)?dood\b",
    r"\beind(?:e)?\s+aan\s+(?:zijn|haar|hun)\s+leven|\bkill\s+(?:your|him|her)self\b",
]
NET_SUICIDE = re.compile("|".join(_NET_SUICIDE), re.IGNORECASE)
NET_DANGER = re.compile("|".join(_NET_DANGER), re.IGNORECASE)
TOPIC = re.compile("|".join(_TOPIC), re.IGNORECASE)
QUOTE_THEN_OWN = re.compile(rf"{_QUOTED_DEATH}[\s\S]*?{_OWN_AGREEMENT}", re.IGNORECASE)

# Someone else's words in quotation marks ("hij zei: 'ga toch dood'", "he wrote 'go jump off a
# bridge'"): a speech verb of another person shortly before the opening mark. The writer's own words
# in quotes ("ik zei tegen mijn huisarts 'ik wil niet meer'") are not someone else's. A single mark
# opens only where no letter stands before it and no 's/'t/'k (Dutch "'s avonds") follows.
_SPEECH = re.compile(
    r"\b(?:zei|zegt|zeggen|zeiden|riep|roept|schreef|schrijft|noemde|noemt|appte|appt|stuurde|mailde"
    r"|antwoordde|reageerde|schreeuwde|fluisterde|siste|said|says|wrote|writes|told|tells|called|shouted"
    r"|yelled|replied|texted|posted|commented|whispered|hissed)\b",
    re.IGNORECASE,
)
_SELF_SPEAKS = re.compile(r"\b(?:ik|k|i)\s+(?:\w+\s+)?$", re.IGNORECASE)
_OPEN_QUOTE = re.compile(r"(?<![\w])(?:[\"“„«]|['‘](?!(?:s|t|k|n)\b))")
_CLOSE = {
    mark: re.compile(rf"[{re.escape(closers)}](?![\w])")
    for mark, closers in {'"': '"”', "“": '”"', "„": '”“"', "«": "»", "'": "'’", "‘": "’'"}.items()
}


def own_words(text: str) -> str:
    """The text with other people's quoted words blanked out: the net reads only the writer's own."""
    out, position = [], 0
    for opening in _OPEN_QUOTE.finditer(text):
        start = opening.start()
        if start < position:
            continue
        closing = _CLOSE[opening.group()].search(text, opening.end(), opening.end() + 300)
        if closing is None:
            continue
        before = text[max(position, start - 60) : start]
        speech = list(_SPEECH.finditer(before))
        if not speech or _SELF_SPEAKS.search(before[: speech[-1].start()]):
            continue
        out.append(text[position:start])
        out.append(" ")
        position = closing.end()
    out.append(text[position:])
    return "".join(out)


# Danger in a sentence that speaks of the past only ("last month someone locked me in", "vorig jaar
# kwam een man met een mes") is over; with "nu", "still", "right now" in it, it is not.
_PAST = re.compile(
    r"\b(?:vorige|afgelopen)\s+(?:week|maand|keer|jaar|zomer|winter)|\bvorig\s+jaar|\bgisteren|\bgeleden\b"
    r"|\blast\s+(?:week|month|year|time|summer|winter)|\byesterday\b|\bago\b|\bin\s+(?:19|20)\d\d\b"
    r"|\bin\s+(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december"
    r"|january|february|march|may|june|july|august|october|december)\b",
    re.IGNORECASE,
)
_PRESENT = re.compile(
    r"\bnu\b|\bnog\s+steeds\b|\bop\s+dit\s+moment\b|\bzojuist\b|\bdaarnet\b|\bnow\b|\bstill\b"
    r"|\bcurrently\b|\bat\s+the\s+moment\b|\bjust\b",
    re.IGNORECASE,
)

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\s*\n+\s*|\s*;\s*|\s+-\s+|\s+–\s+")


# A sentence about a story, not the writer's life: a book, a film, a case for a course.
_FICTION = re.compile(
    r"\b(?:roman|boek|book|novel|film|movie|serie|series|toneelstuk|hoofdpersoon|hoofdpersonage|personage"
    r"|main\s+character|protagonist|casus|case\s+study|rollenspel|role[\s-]?play|sc[eè]ne)\b",
    re.IGNORECASE,
)


def net_of(text: str) -> tuple[bool, bool]:
    """Whether the net finds danger now, and thoughts of suicide, in the writer's own words: not in
    other people's quoted words (a quoted insult followed by the writer's own thoughts of doing it
    still counts), not in a sentence about a book or a film, and danger not in a sentence about the
    past alone. The trained signal reads every message whole, whatever the net says."""
    own = own_words(text)
    sentences = _SENTENCE_END.split(own)
    kept = [sentence for sentence in sentences if not _FICTION.search(sentence)]
    danger = any(
        NET_DANGER.search(sentence) and not (_PAST.search(sentence) and not _PRESENT.search(sentence))
        for sentence in kept
    )
    own = own if len(kept) == len(sentences) else " ".join(kept)
    suicide = bool(NET_SUICIDE.search(own) or QUOTE_THEN_OWN.search(text))
    return danger, suicide


def crisis_of(text: str) -> str | None:
    """The pattern net alone: a crisis intent when a first-person phrase matches (danger first)."""
    danger, suicide = net_of(text)
    if danger:
        return DANGER
    if suicide:
        return SUICIDE
    return None


def chunks(text: str, max_chunks: int = 40) -> list[str]:
    """The message, and its sentences when it has more than one (each read on its own too)."""
    text = text.strip()
    parts = [p.strip() for p in _SENTENCE_END.split(text) if len(p.strip().split()) >= 2]
    if len(parts) <= 1:
        return [text]
    return [text, *parts[:max_chunks]]


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def _unit(vectors: np.ndarray) -> np.ndarray:
    return np.asarray(vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9))


@dataclass
class CrisisModel:
    """Two views of "is this a crisis", each standardised on the training data's ordinary messages,
    then added up:

    - a three-way logistic regression (crisis_suicide, crisis_danger, none) over word and character
      tf-idf and e5 embeddings: the words and how they are spelled;
    - nearest neighbours in e5 space: how much closer the text is to its k nearest crisis examples
      than to its k nearest other examples. Crisis messages come as many small clusters of ways to
      say it, which one linear boundary averages away and a neighbour finds.

    Every sentence of an ordinary example is an ordinary example too (a sentence of a report about a
    shouting manager is no crisis), so reading a long message sentence by sentence does not raise
    alarms on the sentences of ordinary reports. Scores are in standard deviations above what the
    ordinary messages of the training data score.
    """

    word: TfidfVectorizer
    char: TfidfVectorizer
    clf: LogisticRegression
    dense_weight: float
    bank: np.ndarray  # unit e5 vectors of the training texts (float16)
    bank_crisis: np.ndarray  # which of them are crisis examples
    k: int
    stats: dict[str, tuple[float, float]]  # mean and standard deviation on ordinary messages

    @classmethod
    def fit(
        cls,
        texts: list[str],
        labels: list[str],
        *,
        C: float = 10.0,
        dense_weight: float = 2.0,
        k: int = 5,
        random_seed: int = 1700,
    ) -> CrisisModel:
        ordinary = [t for t, label in zip(texts, labels, strict=True) if label == NONE]
        sentences = [p for t in ordinary for p in chunks(t)[1:]]
        all_texts = [*texts, *sentences]
        all_labels = [*labels, *([NONE] * len(sentences))]
        lowered = [t.lower() for t in all_texts]
        word = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True).fit(lowered)
        char = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)
        char.fit(lowered)
        clf = LogisticRegression(C=C, max_iter=5000, class_weight="balanced", random_state=random_seed)
        vectors = _unit(embed(all_texts))
        crisis = np.array([label != NONE for label in all_labels])
        model = cls(word, char, clf, dense_weight, vectors.astype(np.float16), crisis, k, {})
        clf.fit(model._features(all_texts, vectors), all_labels)
        # Each view standardised on the ordinary whole messages (the neighbours leave the text out).
        index = np.array([i for i, label in enumerate(labels) if label == NONE])
        lr = model._lr_crisis(clf.predict_proba(model._features(ordinary, vectors[index])))
        knn = model._neighbours(vectors[index], leave_out=index)
        model.stats = {
            "lr": (float(lr.mean()), float(lr.std())),
            "knn": (float(knn.mean()), float(knn.std())),
        }
        return model

    def _features(self, texts: list[str], vectors: np.ndarray) -> sp.csr_matrix:
        lowered = [t.lower() for t in texts]
        dense = sp.csr_matrix(vectors * self.dense_weight)
        return sp.hstack([self.word.transform(lowered), self.char.transform(lowered), dense]).tocsr()

    def _lr_crisis(self, probabilities: np.ndarray) -> np.ndarray:
        none = list(self.clf.classes_).index(NONE)
        return _logit(1.0 - probabilities[:, none])

    def _bank(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The bank as float32, and where its crisis and ordinary examples are (made once)."""
        cached = self.__dict__.get("_bank_cache")
        if cached is None:
            crisis = np.flatnonzero(self.bank_crisis)
            ordinary = np.flatnonzero(~self.bank_crisis)
            cached = (self.bank.astype(np.float32), crisis, ordinary)
            self.__dict__["_bank_cache"] = cached
        return cached

    def _neighbours(self, vectors: np.ndarray, leave_out: np.ndarray | None = None) -> np.ndarray:
        bank, crisis, ordinary = self._bank()
        similarity = vectors.astype(np.float32) @ bank.T
        if leave_out is not None:
            similarity[np.arange(len(leave_out)), leave_out] = -1.0
        k = self.k

        def top(columns: np.ndarray) -> np.ndarray:
            return np.partition(similarity[:, columns], -k, axis=1)[:, -k:].mean(axis=1)

        return np.asarray(top(crisis) - top(ordinary))

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_bank_cache", None)  # made again after loading; not stored in the model
        return state

    def _z(self, view: str, values: np.ndarray) -> np.ndarray:
        mean, sd = self.stats[view]
        return (values - mean) / max(sd, 1e-9)

    def scores(self, texts: list[str]) -> list[dict[str, float]]:
        """Per text: `whole` (the message read as one) and `sentence` (its best sentence), in
        standard deviations above ordinary messages; the probability of each crisis signal where
        the score is highest, and of thoughts of suicide anywhere in the message."""
        pieces = [chunks(t) for t in texts]
        flat = [p for ps in pieces for p in ps]
        vectors = _unit(embed(flat))
        probabilities = self.clf.predict_proba(self._features(flat, vectors))
        combined = self._z("lr", self._lr_crisis(probabilities)) + self._z("knn", self._neighbours(vectors))
        column = {label: i for i, label in enumerate(self.clf.classes_)}
        out: list[dict[str, float]] = []
        start = 0
        for ps in pieces:
            rows = slice(start, start + len(ps))
            start += len(ps)
            score, probs = combined[rows], probabilities[rows]
            best = int(np.argmax(score))
            out.append(
                {
                    "whole": float(score[0]),
                    "sentence": float(score[1:].max()) if len(ps) > 1 else float("-inf"),
                    SUICIDE: float(probs[best, column[SUICIDE]]),
                    DANGER: float(probs[best, column[DANGER]]),
                    "suicide_anywhere": float(probs[:, column[SUICIDE]].max()),
                    "danger_anywhere": float(probs[:, column[DANGER]].max()),
                }
            )
        return out


@dataclass(frozen=True)
class Reading:
    signal: str | None  # crisis_suicide, crisis_danger or None
    source: str | None  # "model", "net" or None
    check: bool  # speaks of suicide without a crisis signal: the gentle line
    scores: dict[str, float]
    also: tuple[str, ...] = ()  # with danger: thoughts of suicide in the same message

    def as_parse(self) -> dict[str, Any]:
        return {
            "signal": self.signal,
            "source": self.source,
            "check": self.check,
            "also": list(self.also),
            "scores": {k: round(v, 4) for k, v in self.scores.items() if np.isfinite(v)},
        }


def decide(text: str, scores: dict[str, float], thresholds: dict[str, float]) -> Reading:
    """A crisis when the message, or one of its sentences, scores above its threshold, or when the
    net matches. 112 before 113: danger wins when the model or the net says so, with 113 as well
    when thoughts of suicide are there too."""
    net_danger, net_suicide = net_of(text)
    whole = scores.get("whole", float("-inf")) >= thresholds["whole"]
    model = whole or scores.get("sentence", float("-inf")) >= thresholds["sentence"]
    model_danger = model and (
        scores.get(DANGER, 0.0) > scores.get(SUICIDE, 0.0) or scores.get("danger_anywhere", 0.0) >= 0.5
    )
    if net_danger or model_danger:
        suicide = net_suicide or scores.get("suicide_anywhere", 0.0) >= 0.5
        source = "model" if model_danger else "net"
        return Reading(DANGER, source, False, scores, (SUICIDE,) if suicide else ())
    if model or net_suicide:
        return Reading(SUICIDE, "model" if model else "net", False, scores)
    return Reading(None, None, bool(TOPIC.search(text)), scores)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class CrisisDetector(GraphComponent, IntentClassifier):
    """Sets `crisis_suicide` or `crisis_danger` as the intent when the detector finds a crisis."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "C": 10.0,
            "dense_weight": 2.0,
            "neighbours": 5,
            # In standard deviations above ordinary messages. Low on purpose, chosen by
            # cross-validation (make crisis-report): a false alarm costs one kind question, a missed
            # signal far more.
            "threshold_whole": 4.0,
            "threshold_sentence": 5.0,
            "random_seed": 1700,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: CrisisModel | None = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> CrisisDetector:
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CrisisDetector:
        try:
            with model_storage.read_from(resource) as path:
                model = joblib.load(path / FILE_NAME)
        except (ValueError, FileNotFoundError):
            model = None
        return cls(config, model_storage, resource, model)

    @property
    def thresholds(self) -> dict[str, float]:
        return {"whole": self._config["threshold_whole"], "sentence": self._config["threshold_sentence"]}

    def train(self, training_data: TrainingData) -> Resource:
        texts, labels = training_set(training_data)
        cfg = self._config
        self._model = CrisisModel.fit(
            texts,
            labels,
            C=cfg["C"],
            dense_weight=cfg["dense_weight"],
            k=cfg["neighbours"],
            random_seed=cfg["random_seed"],
        )
        with self._storage.write_to(self._resource) as path:
            joblib.dump(self._model, path / FILE_NAME)
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def read(self, texts: list[str]) -> list[Reading]:
        if self._model is None:  # untrained (an NLU-less model): the net alone
            return [decide(t, {}, self.thresholds) for t in texts]
        return [decide(t, s, self.thresholds) for t, s in zip(texts, self._model.scores(texts), strict=True)]

    def process(self, messages: list[Message]) -> list[Message]:
        todo = [m for m in messages if (m.get(TEXT) or "").strip() and not m.get(TEXT).startswith("/")]
        if not todo:
            return messages
        for message, reading in zip(todo, self.read([m.get(TEXT) for m in todo]), strict=True):
            message.set(PARSE_KEY, reading.as_parse(), add_to_output=True)
            current = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            if reading.signal and reading.signal != current:
                message.set(
                    INTENT,
                    {INTENT_NAME_KEY: reading.signal, PREDICTED_CONFIDENCE_KEY: 1.0},
                    add_to_output=True,
                )
            elif not reading.signal and current in CRISIS_INTENTS:
                # The intent classifier's crisis without the detector's signal: the detector decides
                # (its thresholds are the ones measured); the message is read as its next best intent.
                ranking = message.get(INTENT_RANKING_KEY) or []
                other = next((r for r in ranking if r.get(INTENT_NAME_KEY) not in CRISIS_INTENTS), None)
                if other is not None:
                    message.set(INTENT, other, add_to_output=True)
        return messages


def training_set(training_data: TrainingData) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for example in training_data.intent_examples:
        text = example.get(TEXT)
        if not text:
            continue
        intent = example.get(INTENT)
        texts.append(text)
        labels.append(intent if intent in CRISIS_INTENTS else NONE)
    return texts, labels
