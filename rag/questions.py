"""A user's question and history as the pipeline takes them: control characters out, empty
questions refused, long ones shortened (and said so), the history capped."""

from __future__ import annotations

import re

from .errors import BadQuestion

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_question(question: str, max_chars: int) -> tuple[str, str]:
    """Strip control characters, refuse empty questions, shorten long ones (and say so).

    >>> clean_question("  Where?\\x07 ", 100)
    ('Where?', '')
    >>> clean_question("x" * 30, 20)[1]
    'Your question was 30 characters long; only the first 20 were used.'
    """
    if not isinstance(question, str):
        raise BadQuestion("The question must be text.")
    text = " ".join(_CONTROL.sub(" ", question).split())
    if not text:
        raise BadQuestion("Please type a question.")
    if len(text) > max_chars:
        return text[:max_chars], (
            f"Your question was {len(text)} characters long; only the first {max_chars} were used."
        )
    return text, ""


def clean_history(history, max_entries: int, max_chars: int) -> list[str]:
    """Earlier questions, checked and capped: only the last `max_entries`, each cut to
    `max_chars` (a long history must not make one question slow for everyone).

    >>> clean_history(["a" * 50, "Where?"], 1, 10)
    ['Where?']
    >>> clean_history(["x" * 50], 5, 10)
    ['xxxxxxxxxx']
    """
    if history is None:
        return []
    if not isinstance(history, list | tuple) or not all(isinstance(h, str) for h in history):
        raise BadQuestion("The history must be a list of earlier questions, each one text.")
    return [" ".join(_CONTROL.sub(" ", h).split())[:max_chars] for h in history[-max_entries:]]
