"""Which division of a figure moved: "Which Amazon segment grew fastest in Q3 2023?", "Which of
Apple's product categories declined in Q3 2023?". A list by the division (`row_lists.breakdown`)
whose rows each quote the quarter asked and the same quarter a year before; the line after it
says which rows moved as asked, computed from those two cells of each.
"""

from __future__ import annotations

import re

from rag.answer.arithmetic import _WHOLE, amounts
from rag.answer.cells import _when
from rag.answer.forms import LOST, MOVED
from rag.answer.rows import parse_row

ASKS_MOVED = re.compile(r"(?i)\bwhich\b[^?]{0,60}?\b(?P<verb>" + MOVED + r")(?P<rest>[^?]*)")
_DOWN = re.compile(r"(?i)declin|decreas|fell|dropp|shrank")
_MOST = re.compile(
    r"(?i)\b(?:fastest|(?:the )?most|quickest|(?:the )?(?:largest|biggest|highest))\b"
)
_LEAST = re.compile(r"(?i)\b(?:slowest|(?:the )?least|(?:the )?(?:smallest|lowest))\b")


def _change(sentence: str) -> tuple[str, float, float | None] | None:
    """A row quoting two cells of one figure: (its label, the change from the earlier cell to
    the later, that change in percent or None from a loss or nothing), or None."""
    parsed = parse_row(sentence)
    if parsed is None:
        return None
    label, cells = parsed
    dated = [(_when(h), amounts(v)) for h, v, *_ in cells]
    dated = [(w, a[0].value) for w, a in dated if w and len(a) == 1]
    if len(dated) != 2 or dated[0][0] == dated[1][0]:
        return None
    (_, before), (_, now) = sorted(dated)
    return label, now - before, 100.0 * (now - before) / before if before > 0 else None


def _said(change: tuple[str, float, float | None]) -> str:
    _, delta, pct = change
    return f"{delta:+,.0f}" if pct is None else f"{pct:+.1f}%"


def mover_line(question: str, sentences: list[str], numbers: list[int]) -> str | None:
    """The rows of a list that moved as the question asks, each with its change from a year
    before (each row quoting its quarter and the same quarter a year before), or None.

    >>> rows = ["Net sales: AWS — Three Months Ended September 30, 2022: $20,538; Three Months "
    ...     "Ended September 30, 2023: $23,059",
    ...     "Net sales: International — Three Months Ended September 30, 2022: $27,720; Three "
    ...     "Months Ended September 30, 2023: $32,137"]
    >>> mover_line("Which Amazon segment grew fastest in Q3 2023?", rows, [1, 2])
    'Grew fastest: International, +15.9% on the same quarter a year before, computed from [2]'
    >>> mover_line("Which segments declined in Q3 2023?", rows, [1, 2])
    'None declined on the same quarter a year before, computed from [1] and [2]'
    """
    m = ASKS_MOVED.search(question)
    if m is None or len(sentences) < 2:
        return None
    moved = [(_change(s), n) for s, n in zip(sentences, numbers, strict=True)]
    if any(c is None for c, _ in moved):
        return None
    # the whole ("Consolidated: Net sales", "Total net sales") is no division of it
    moved = [(c, n) for c, n in moved if not _WHOLE.search(c[0])]
    if len(moved) < 2:
        return None
    # each row by what tells it apart: "iPhone" of "Net sales by category: iPhone"
    parts = [c[0].split(": ") for c, _ in moved]
    if all(len(p) == 2 for p in parts):
        own = (
            1 if len({p[0] for p in parts}) == 1 else 0 if len({p[1] for p in parts}) == 1 else None
        )
        if own is not None:
            moved = [((p[own], *c[1:]), n) for p, (c, n) in zip(parts, moved, strict=True)]
    down = bool(_DOWN.search(m["verb"]))
    after = "on the same quarter a year before"
    word = _MOST.search(m["rest"]) or _LEAST.search(m["rest"])
    if word:
        # "grew fastest" is the largest rise, "declined the most" the largest fall; in percent,
        # unless a row starts from a loss (a percent of it says nothing), then in amount
        largest = bool(_MOST.search(m["rest"])) != down
        by = 1 if any(c[2] is None for c, _ in moved) else 2
        c, n = (max if largest else min)(moved, key=lambda x: x[0][by])
        verb = f"{m['verb']} {word.group()}".capitalize()
        return f"{verb}: {c[0]}, {_said(c)} {after}, computed from [{n}]"
    chosen = [(c, n) for c, n in moved if (c[1] < 0) == down and c[1] != 0]
    if not chosen:
        cited = ", ".join(f"[{n}]" for _, n in moved[:-1]) + f" and [{moved[-1][1]}]"
        return f"None {m['verb'].lower()} {after}, computed from {cited}"
    said = "; ".join(f"{c[0]} {_said(c)} [{n}]" for c, n in chosen)
    return f"{m['verb'].capitalize()} {after}: {said}"


# "Which of Amazon's segments lost money in Q3 2022?": each division's operating income at the
# quarter asked (`vocabulary.question_terms` reads the loss so), then those below zero
_ASKS_LOST = re.compile(r"(?i)\bwhich\b[^?]{0,60}?" + LOST)
_GAINED = re.compile(r"(?i)(?<!un)(?<!not )profitable")


def loss_line(question: str, sentences: list[str], numbers: list[int]) -> str | None:
    """The divisions of a list whose one cell is a loss (or, asked which were profitable, a
    gain), each with its figure and citation, or None.

    >>> rows = ["North America: Operating income (loss) — Three Months Ended September 30, "
    ...     "2022: $(412)", "AWS: Operating income — Three Months Ended September 30, 2022: $5,403",
    ...     "Consolidated: Operating income — Three Months Ended September 30, 2022: 2,525"]
    >>> loss_line("Which of Amazon's segments lost money in Q3 2022?", rows, [1, 2, 3])
    'Operating loss: North America $(412) [1]'
    >>> loss_line("Which segments were profitable in Q3 2022?", rows, [1, 2, 3])
    'Operating income: AWS $5,403 [2]'
    """
    m = _ASKS_LOST.search(question)
    if m is None or len(sentences) < 2:
        return None
    found = []
    for s, n in zip(sentences, numbers, strict=True):
        parsed = parse_row(s)
        if parsed is None or len(parsed[1]) != 1:
            return None
        label, [(_, value, *_)] = parsed
        said = amounts(value)
        if len(said) != 1 or _WHOLE.search(label):
            continue
        found.append((label.split(": ")[0] if ": " in label else label, value, said[0].value, n))
    if len(found) < 2:
        return None
    gained = bool(_GAINED.search(m.group()))
    chosen = [(name, v, n) for name, v, x, n in found if (x > 0 if gained else x < 0)]
    head = "Operating income" if gained else "Operating loss"
    if not chosen:
        cited = ", ".join(f"[{n}]" for *_, n in found[:-1]) + f" and [{found[-1][-1]}]"
        return f"{head}: none of them, from {cited}"
    return f"{head}: " + "; ".join(f"{name} {v} [{n}]" for name, v, n in chosen)
