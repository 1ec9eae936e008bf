"""The trained reader's decision: the best span, its sentence cited verbatim, if the verifier
lets it answer; and another document's differing answer, when one qualifies as a rival."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from rag.answer.abstain import (
    Verifier,
    entity_pairs,
    missing_numbers,
    names_other,
    reader_features,
)
from rag.answer.base import Model, Outcome, Rival, ShortAnswer
from rag.answer.causes import (
    SAYS_WHY,
    WHY_WORDS_FACTOR,
    asks_why_moved,
    bound_cause,
    cause_after,
    says_why_of,
    why_sentence,
    why_words,
)
from rag.answer.forecasts import asks_what_was_of_a_forecast, not_a_forecast
from rag.answer.reader import Span
from rag.answer.rereads import measure_sentence, numbered_sentence
from rag.answer.row_fit import label_only, row_for_why, row_of_another_measure
from rag.answer.spans import (
    answers,
    asks_measure,
    bound_amount,
    bound_change,
    bound_date,
    bound_number,
    bound_other_year,
    bound_respective,
    bullet_of_subject,
    choose_span,
    state_for_when,
    trim_span,
)
from rag.context import known_text, retrieval_text
from rag.followup import names_nothing
from rag.ingest.chunk import split_sentences
from rag.questions import as_question, spell_quarters
from rag.retrieve import Passage
from rag.settings import Settings
from rag.store.embed import Embedder
from rag.text import WORD, normalize_answer, numbers, stems


class ReaderGenerator(Model):
    """The trained extractive reader: the answer is a span of a passage, never written text."""

    def __init__(self, model: str = "shipped", allow_download: bool = False):
        from rag.answer.reader import Reader

        self.reader = Reader(model, allow_download)
        self.name = "reader" if model in ("", "shipped") else f"reader:{model}"

    @classmethod
    def from_settings(cls, settings, embedder: Embedder) -> ReaderGenerator:
        return cls(settings.reader_model, settings.allow_download)

    def warm_up(self) -> None:
        self.reader.warm_up()

    def read(self, question: str, passages: list[Passage]) -> list[Span]:
        """The best span of each passage (`rag.answer.reader.Span`, in passage order), each
        inside one sentence of its passage."""
        return self.reader.read(
            question, [p.chunk.text for p in passages], [p.chunk.sentence_spans() for p in passages]
        )

    def answerer(self, settings: Settings, attributor=None) -> ReadingAnswerer:
        return ReadingAnswerer(self, settings)


def sentence_around(
    text: str, start: int, end: int, sentences: list[tuple[int, int]] | None = None
) -> tuple[int, int]:
    """The span of the sentence(s) of `text` (spans given, or split now) that hold [start, end).

    >>> t = "Harbin hosted it. It had 137 firms from Russia. Done."
    >>> a, b = sentence_around(t, t.index("137"), t.index("137") + 3); t[a:b]
    'It had 137 firms from Russia.'
    """
    spans = [
        (a, b)
        for a, b in (split_sentences(text) if sentences is None else sentences)
        if a < end and b > start
    ]
    if not spans:
        return start, end
    return spans[0][0], spans[-1][1]


# A question about who made a document: its answer is the byline, which names no word of the
# question; the question names the document by what it is about.
_WHO_MADE = re.compile(
    r"^\s*who\b.*\b(?:wr[io]te|written|author\w*|translat\w*|edit\w*|compil\w*|prepared)\b",
    re.I,
)


# The words of a who-made question that every byline answers alike.
_WHO_MADE_WORDS = re.compile(
    r"\b(?:who|wr[io]te|written|author\w*|translat\w*|edit\w*|compil\w*|prepared|paper|"
    r"article|report|document|memo\w*|study|the|on|about|of)\b",
    re.I,
)


# "What did Guo Li propose?" where Guo Li is a document's byline: the author's claims are the
# document's own voice ("this document advocates ..."), which never names its author.
_AUTHOR_CLAIM = re.compile(
    r"^\s*(?i:what)\s+(?i:did|does|do)\s+(?P<who>[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})\s+"
    r"(?P<verb>(?i:propose|suggest|argue|advocate|recommend|conclude|claim))\s*\?*\s*$"
)


def authored(question: str, passages: list[Passage]) -> tuple[str, set[str]]:
    r"""For a question about what an author proposes, the question in the document's own voice
    and the documents whose byline (`front_matter` of a first passage) names that author;
    ("", set()) otherwise.

    >>> from rag.ingest.chunk import Chunk
    >>> t = "A New Model\n\nGUO Li, Professor\n\nThis paper advocates a model."
    >>> authored("What did Guo Li propose?", [Passage(1, 0.5, Chunk("d::0", "d", 0, len(t), t))])
    ('What does this document propose?', {'d'})
    """
    m = _AUTHOR_CLAIM.match(question)
    if not m:
        return "", set()
    name = m["who"].lower().split()
    docs = set()
    for p in passages:
        c = p.chunk
        if not c.chunk_id.endswith("::0"):
            continue
        for a, b in c.sentence_spans():
            line = c.text[a:b].lower()
            if all(re.search(rf"\b{re.escape(w)}\b", line) for w in name) and front_matter(c, a, b):
                docs.add(c.doc)
    verb = " ".join(m["verb"].lower().split())
    return (f"What does this document {verb}?", docs) if docs else ("", set())


def front_matter(chunk, a: int, b: int) -> bool:
    r"""Is the sentence `chunk.text[a:b]` part of its document's head (title, byline,
    affiliation): in the document's first passage, neither it nor a sentence before it ending
    like prose?

    >>> from rag.ingest.chunk import Chunk
    >>> t = "A New Model\n\nGUO Li, Professor,\n\nIt grew. GUO Li wrote it."
    >>> c = Chunk("d::0", "d", 0, len(t), t)
    >>> g = t.index("GUO"); front_matter(c, g, t.index("\n\nIt"))
    True
    >>> front_matter(c, t.index("It"), t.index(" GUO Li w")), front_matter(c, t.rindex("GUO"), len(t))
    (False, False)
    """
    if not chunk.chunk_id.endswith("::0"):
        return False
    return not any(
        chunk.text[x:y].rstrip().endswith((".", "!", "?"))
        for x, y in [*(s for s in chunk.sentence_spans() if s[1] <= a), (a, b)]
    )


@dataclass(frozen=True)
class Candidate:
    """The reader's best span and the sentence (`passage.chunk.text[start:end]`) holding it."""

    span: Span
    passage: Passage
    start: int
    end: int
    features: dict[str, float]
    rival: Span | None = None  # another document's different answer, if the reader sees one
    other: str = ""  # what the sentence names instead of the question's entity (then refuse)
    reread: bool = False  # the span was read from its sentence alone (`_reread`)


class ReadingAnswerer:
    """Answers with the reader: one span, its sentence quoted, or an abstention."""

    def __init__(self, generator: ReaderGenerator, settings: Settings):
        self.generator = generator
        self.name = generator.name
        self.settings = settings
        self.top_k = settings.reader_top_k
        self._verifiers: dict[str, Verifier | None] = {}

    def warm_up(self) -> None:
        self.generator.warm_up()

    def verifier(self) -> Verifier | None:
        """The verifier stored beside the reader's model (None: decide by margin alone)."""
        from rag.answer.reader import resolve_reader_model

        folder = resolve_reader_model(self.generator.reader.model_name)
        if folder not in self._verifiers:
            self._verifiers[folder] = Verifier.load(Path(folder) / "verifier.json")
        return self._verifiers[folder]

    def sentence_verifier(self) -> Verifier | None:
        """The verifier of spans read from a sentence alone (`_reread`), stored beside the
        reader's model as verifier-sentence.json; None: sentences are never re-read."""
        from rag.answer.reader import resolve_reader_model

        folder = resolve_reader_model(self.generator.reader.model_name)
        key = folder + "#sentence"
        if key not in self._verifiers:
            self._verifiers[key] = Verifier.load(Path(folder) / "verifier-sentence.json")
        return self._verifiers[key]

    def threshold(self, verifier: Verifier) -> float:
        t = self.settings.answer_threshold
        return verifier.threshold if t is None else t

    def features(self, question: str, spans, passages, best: int, sentence: str) -> dict:
        """The verifier's inputs for span `best` (`abstain.reader_features`)."""
        return reader_features(question, spans, passages, best, sentence)

    def answer(self, question: str, passages: list[Passage], asked: str = "") -> Iterator[Outcome]:
        # The one hand rule kept for the reader: it helped on the dev articles
        # (research/rule_check.py: abstention accuracy 0.675 -> 0.679, no answer lost). Only
        # the user's own numbers count: a follow-up's reason must not name the previous one's.
        missing = missing_numbers(asked or question, known_text(passages))
        if missing:
            yield Outcome(reason="missing_numbers", detail=", ".join(sorted(missing)))
        else:
            out = self.read(as_question(question), passages, asked)
            # "Q3 2022" read as well as the passages say it ("third quarter product revenue
            # was ..."), which the reader knows; the surer reading answers (spelled always, it
            # lost answers whose sentence names no quarter)
            spelled = spell_quarters(question, [p.chunk.text for p in passages])
            if spelled != question:
                other = self.read(as_question(spelled), passages, asked)
                if not other.reason and (
                    out.reason or (other.confidence or 0) > (out.confidence or 0)
                ):
                    out = other
            yield out

    def answer_form(
        self,
        form: str,
        question: str,
        passages: list[Passage],
        embedder,
        asked: str = "",
        rows=(),
    ) -> Outcome:
        """A list, summary or comparison (`rag.answer.forms`): the supporting sentences (and
        table `rows`: (passage, row) pairs, `row_lists.form_rows`), or an abstention with its
        reason. A year or quarter may be named by a document's name rather than its passages
        ("2023 Q1 AAPL.pdf"), so both count for the numbers rule."""
        from rag.answer.forms import FormSettings, extract

        read = [*passages, *(p for p, _ in rows)]
        seen = " ".join([*(p.chunk.text for p in read), *{p.chunk.doc for p in read}])
        missing = missing_numbers(asked or question, seen)
        if missing:
            return Outcome(reason="missing_numbers", detail=", ".join(sorted(missing)), form=form)
        s = self.settings
        fs = FormSettings(
            s.form_lexical_weight, s.form_floor, s.form_max_items, max_drop=s.form_max_drop
        )
        return extract(form, question, passages, embedder, fs, rows, asked)

    def candidate(
        self, query: str, passages: list[Passage], asked: str = "", reread: bool | None = None
    ) -> Candidate | None:
        """The reader's best answer and the verifier's inputs, before deciding (what the
        verifier is fit on). `asked`: the user's own words, when the query adds others;
        `reread`: re-read sentences (`_reread`) when every passage prefers no answer (default:
        the setting)."""
        spans = self.generator.read(query, passages)
        if not spans:
            return None
        if reread is None:
            # without its own calibration a sentence read alone is not trusted: no re-read
            wanted = (
                self.settings.reader_reread_sentences
                or numbered_sentence(query, passages[0])
                or measure_sentence(query, passages[0])
            )
            reread = wanted and self.sentence_verifier() is not None
        alone_feats: dict[str, float] = {}
        # a span that cannot answer the quantity asked ("How long ...?" read "from the date
        # of purchase") is no answer read: re-read as when every passage prefers none
        margins = [s.margin for s in spans if answers(query, s.text)]
        if reread and (not margins or max(margins) < 0):
            passage_margin = max(margins, default=0.0)
            alone, gap, count = self._reread(query, passages[0])
            reread = alone is not None and alone.margin > 0
            if reread:
                alone_feats = {
                    "passage_margin": passage_margin,
                    "first_passage_margin": next(
                        (x.margin for x in spans if x.passage == 0), passage_margin
                    ),
                    "sentence_gap": gap,
                    "sentences_log": math.log(count),
                }
                spans = [alone, *(x for x in spans if x.passage != 0)]
        else:
            reread = False
        bounds = [
            sentence_around(
                passages[s.passage].chunk.text,
                s.start,
                s.end,
                passages[s.passage].chunk.sentence_spans(),
            )
            for s in spans
        ]
        texts = [
            passages[s.passage].chunk.text[a:b] for s, (a, b) in zip(spans, bounds, strict=True)
        ]
        weight = self.settings.reader_select_words_weight
        moved = asks_why_moved(asked or query)
        said = [i for i, t in enumerate(texts) if SAYS_WHY.search(t)] if moved else []
        # of the figure asked, when one says so: "Americas net sales decreased ... offset by
        # higher net sales of Services" is not why Services net sales moved
        said = [
            i for i in said if says_why_of(asked or query, texts[i], [(0, len(texts[i]))])
        ] or said
        if said:
            # a question asking why is answered by a sentence saying why, of the question's
            # subject, direction and period
            sub = choose_span(
                why_words(query),
                [spans[i] for i in said],
                [texts[i] for i in said],
                weight * WHY_WORDS_FACTOR,
            )
            best = said[sub]
            other = why_sentence(
                self.generator.reader, query, passages, texts[best], asked or query
            )
            if other is not None:
                spans, bounds, texts = [*spans, other[0]], [*bounds, other[1]], [*texts, other[2]]
                best = len(spans) - 1
        else:
            best = choose_span(query, spans, texts, weight)
            if asks_what_was_of_a_forecast(asked or query, texts[best]):
                spans, bounds, texts, best = not_a_forecast(
                    self.generator.reader, query, passages, spans, bounds, texts, best, weight
                )
            best = bullet_of_subject(
                asked or query, spans, texts, best, self.generator.reader, query
            )
            # "AWS sales increased 12% ..." read for why they grew: the next sentence says why
            # ... a follow-up's words naming nothing ("What drove the change?"), the question
            # it was joined with names the figure
            own = query if not asked or names_nothing(asked) else asked
            after = moved and cause_after(
                self.generator.reader, query, passages, spans[best], bounds[best], own
            )
            if after:
                spans, bounds, texts = [*spans, after[0]], [*bounds, after[1]], [*texts, after[2]]
                best = len(spans) - 1
        if _WHO_MADE.match(asked or query):
            best = self._head_naming(asked or query, spans, passages, bounds, best)
        # Near-duplicate documents ("archive R0" and "archive R1") share every word but the
        # entity's: a sentence naming another one answers from a passage that names the
        # question's, or not at all.
        asked_pairs = entity_pairs(asked or query)
        other = ""
        if asked_pairs:
            named = [
                names_other(asked_pairs, texts[i], retrieval_text(passages[s.passage].chunk))
                for i, s in enumerate(spans)
            ]
            if named[best]:
                fits = [i for i in range(len(spans)) if not named[i]]
                if fits:
                    sub = choose_span(
                        query, [spans[i] for i in fits], [texts[i] for i in fits], weight
                    )
                    best = fits[sub]
                else:
                    # the asked name that is not the one written ("archive R1" is written
                    # inside "archive R10": compared whole, not as a substring)
                    asked_as = next(
                        (p[3] for p in asked_pairs if p[3].lower() != named[best].lower()),
                        asked_pairs[0][3],
                    )
                    other = f"{named[best]}, not {asked_as}"
        span = spans[best]
        passage = passages[span.passage]
        a, b = bounds[best]
        own, at = asked or query, (passage.chunk.text, span.start, span.end)
        bound = (
            bound_cause(own, *at, a, b)
            or bound_date(own, *at, a, b)
            or bound_number(query, *at, a, b, asked)
            or bound_respective(own, *at, a, b)
            or bound_change(own, *at, a, b)
            or bound_amount(own, *at)
            or bound_other_year(own, *at, a, b)
        )
        s, e = bound or trim_span(passage.chunk.text, span.start, span.end)
        if (s, e) != (span.start, span.end) and s < e:
            span = replace(span, start=s, end=e, text=passage.chunk.text[s:e])
            spans = [span if i == best else x for i, x in enumerate(spans)]
        judged = texts[best]
        if _WHO_MADE.match(asked or query) and front_matter(passage.chunk, a, b):
            # "Who wrote the paper proposing the Umbrella Model?" -> the byline "GUO Li, ...":
            # the question's words are in the document's opening, not in the byline's line
            judged = passage.chunk.text
        feats = self.features(query, spans, passages, best, judged)
        reread = reread and best == 0
        if reread:
            feats = {**feats, **alone_feats}
        rival = self._rival(query, spans, passages, span)
        return Candidate(span, passage, a, b, feats, rival, other, reread)

    def _reread(self, query: str, passage: Passage) -> tuple[Span | None, float, int]:
        """The best span of `passage` read one sentence at a time (offsets in the passage),
        its margin's lead over the next sentence's, and the number of sentences read."""
        text = passage.chunk.text
        sents = [(a, b) for a, b in passage.chunk.sentence_spans() if text[a:b].strip()]
        if len(sents) < 2:
            return None, 0.0, len(sents)
        # "How long is the warranty?": its sentence's best span holding a figure ("two-year
        # limited warranty"), not "from the date of purchase" (which `measured` refuses).
        # Only here: reading whole passages so, SQuAD test's unanswerable "How wide is the
        # Mainz Basin?" read "up to 40 km wide" (6 such answers, abstention 0.638 -> 0.635).
        read = self.generator.reader.read(
            query, [text[a:b] for a, b in sents], figure=asks_measure(query)
        )
        if not read:
            return None, 0.0, len(sents)
        order = sorted(range(len(read)), key=lambda i: -read[i].margin)
        s = read[order[0]]
        a = sents[s.passage][0]
        gap = s.margin - read[order[1]].margin if len(order) > 1 else s.margin
        return replace(s, passage=0, start=s.start + a, end=s.end + a), gap, len(sents)

    @staticmethod
    def _head_naming(question: str, spans, passages, bounds, best: int) -> int:
        """ "Who wrote the paper on timber exports?" over a memo and a paper: both bylines read
        as an author, the memo's "From: Olga Sidorova" with the wider margin. The author asked
        for is the one whose document's head (title, byline, opening passage) holds the
        question's own words ("timber", "exports"); the reader's order decides between equals.
        """
        asked = stems(_WHO_MADE_WORDS.sub(" ", question))

        def held(i: int) -> int:
            p = passages[spans[i].passage]
            if not front_matter(p.chunk, *bounds[i]):
                return -1
            return len(asked & stems(p.chunk.text))

        counts = [held(i) for i in range(len(spans))]
        top = max(counts)
        # Only one byline against another: an answer from a document's body ("[Translated by
        # ERINA]") is the reader's to keep.
        if top <= 0 or counts[best] < 0 or counts[best] == top:
            return best
        tied = [i for i, c in enumerate(counts) if c == top]
        return max(tied, key=lambda i: spans[i].score - spans[i].null)

    def _rival(self, query, spans, passages, best) -> Span | None:
        """Another document's answer that the bot would also give on its own (the verifier
        accepts it), whose sentence names every name and number of the question, and that
        gives a different number or name: the documents disagree, and the answer must say so
        rather than pick one silently."""
        doc = passages[best.passage].chunk.doc
        key = normalize_answer(best.text)
        verifier = self.verifier()
        for i in sorted(range(len(spans)), key=lambda i: -spans[i].margin):
            s = spans[i]
            other = normalize_answer(s.text)
            if (
                passages[s.passage].chunk.doc == doc
                or not other
                or other in key
                or key in other
                or not (numbers(s.text) or any(w[0].isupper() for w in WORD.findall(s.text)))
            ):
                continue
            chunk = passages[s.passage].chunk
            text = chunk.text
            a, b = sentence_around(text, s.start, s.end, chunk.sentence_spans())
            feats = self.features(query, spans, passages, i, text[a:b])
            if (
                feats["names_in_sentence"] < 1.0
                or feats["words_in_sentence"] < self.settings.rival_min_words
            ):
                continue  # about something else: the question's names or most of its words miss
            if verifier is None:
                ok = s.margin >= self.settings.reader_min_margin
            else:
                ok = verifier.probability(feats) >= self.threshold(verifier)
            if ok:
                return s
        return None

    def read(self, query: str, passages: list[Passage], asked: str = "") -> Outcome:
        """The reader's best span, its sentence cited verbatim, if the verifier lets it answer."""
        voiced, docs = authored(asked or query, passages)
        if docs:
            query, passages = voiced, [p for p in passages if p.chunk.doc in docs]
        cand = self.candidate(query, passages, asked)
        if cand is None:
            return Outcome(reason="not_confident")
        if cand.other:
            return Outcome(reason="other_entity", detail=cand.other)
        verifier = self.verifier()
        confidence = None
        if verifier is not None:
            # A sentence read alone has a wider margin than the passage verifier was fit on:
            # its own verifier decides (fit on re-read spans), or the passages as read do.
            alone = self.sentence_verifier() if cand.reread else None
            ok = False
            if alone is not None:
                confidence = alone.probability(cand.features)
                bar = self.settings.reader_reread_min_confidence
                ok = confidence >= (alone.threshold if bar is None else bar)
            if cand.reread and not ok:
                cand = self.candidate(query, passages, asked, reread=False)
                if cand is None:
                    return Outcome(reason="not_confident")
            if not ok:
                confidence = verifier.probability(cand.features)
                ok = confidence >= self.threshold(verifier)
        else:
            ok = cand.span.margin >= self.settings.reader_min_margin
        # "How long is the bridge?" is not answered "May": a measure asked wants a quantity,
        # and a passage whose best span states none does not "may answer" it either
        typed = (
            answers(asked or query, cand.span.text)
            and not row_for_why(asked or query, cand)
            and not row_of_another_measure(asked or query, cand)
            and not label_only(asked or query, cand)
            and not state_for_when(asked or query, cand.passage.chunk.text, cand.span.start)
            # what was, left on a forecast when no other sentence read answers (`candidate`)
            and not asks_what_was_of_a_forecast(
                asked or query, cand.passage.chunk.text[cand.start : cand.end]
            )
        )
        if not ok or not typed:
            if cand.span.margin <= 0 or not typed:
                return Outcome(reason="not_confident", confidence=confidence)
            # the reader prefers this span to "no answer": its passage is named and shown
            # first rather than listed among passages that do not answer
            c = cand.passage.chunk
            hint = [(c.text[cand.start : cand.end], cand.passage, cand.start, cand.end, 0.0)]
            return Outcome(hint, reason="not_confident", detail=c.doc, confidence=confidence)
        span, passage, c = cand.span, cand.passage, cand.passage.chunk
        short = ShortAnswer(span.text, c.doc, c.start + span.start, c.start + span.end)
        score = confidence if confidence is not None else 1.0
        supports = [(c.text[cand.start : cand.end], passage, cand.start, cand.end, score)]
        rival = None
        if cand.rival is not None:
            other = passages[cand.rival.passage]
            ra, rb = sentence_around(
                other.chunk.text, cand.rival.start, cand.rival.end, other.chunk.sentence_spans()
            )
            rival = Rival(cand.rival.text, (other.chunk.text[ra:rb], other, ra, rb, score))
        return Outcome(supports, short, confidence, rival)
