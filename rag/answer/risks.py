"""How a risk is managed, asked of the documents: the kind of risk a question names ("How does
Amazon manage foreign exchange risk?") and whether a sentence speaks of that kind as a risk, so
that a summary of it says only such sentences (`forms.extract`)."""

from __future__ import annotations

import re

from rag.text import content_tokens, stem

# "How does Amazon manage foreign exchange risk?": an account of what is done (a summary,
# `forms.RULES`), and the kind of risk it is about
MANAGES_RISK = (
    r"how (?:do|does|did) [^?]{0,60}?\b(?:manag|mitigat|hedg|protect|address|reduc|limit|"
    r"minimi[sz]|handl|offset)\w*\b(?P<kind>[^?]{0,60}?)\b(?:risks?|exposures?)"
)
_RISK_KIND = re.compile(rf"(?i)\b{MANAGES_RISK}\b")


def risk_kind(question: str) -> set[str]:
    """The stems naming the kind of risk a question asks how it is managed, or none.

    >>> sorted(risk_kind("How does Amazon mitigate credit risk?"))
    ['credit']
    >>> sorted(risk_kind("How does Apple hedge its interest rate exposure?"))
    ['intere', 'rate']
    >>> risk_kind("What are the main risks?")
    set()
    """
    m = _RISK_KIND.search(question)
    if m is None:
        return set()
    return {stem(w) for w in content_tokens(m["kind"].lower())} - {stem("its"), stem("their")}


_OF_RISK = ("risk", "expos", "hedg", "protect", "derivativ", "fluctuat")


def of_the_risk(kind: set[str], sentence: str) -> bool:
    """Whether a sentence speaks of the kind of risk asked (`risk_kind`) as a risk.

    >>> of_the_risk({"credit"}, "We pay fees for credit and debit cards, which may increase.")
    False
    >>> of_the_risk({"foreig", "exchan"}, "We have foreign exchange risk related to our funds.")
    True
    """
    words = content_tokens(sentence.lower())
    return bool(kind & {stem(w) for w in words}) and any(w.startswith(_OF_RISK) for w in words)
