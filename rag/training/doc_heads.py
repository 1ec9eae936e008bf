"""Made-up document heads for reader training: titles, bylines, affiliations, memo headers,
translator lines and funding footnotes around a paragraph of real prose.

SQuAD is Wikipedia prose; it has no byline, so a reader trained on it alone cannot answer
"Who wrote this paper?" or "Where does she work?" from the lines a paper or memo opens
with, and users ask exactly that of their own documents. These heads are generated from
lists of names and places (seeded, no outside data) and wrap a paragraph of a training
article, so the reader sees them in the layout real documents use and keeps reading prose.
Each head also gets questions whose answer it lacks (a translator or grant it does not
name, a person it does not list), so the reader learns to refuse there too.
"""

from __future__ import annotations

import random
import re

from rag.training.squad import Question

_SURNAMES = (
    "Wang Zhang Liu Chen Yang Zhao Huang Zhou Wu Xu Sun Ma Zhu Hu He Lin Gao Luo Song Tang "
    "Ivanov Petrov Smirnov Kuznetsov Popov Sokolov Lebedev Kozlov Novikov Morozov Volkov Orlov "
    "Smith Johnson Brown Taylor Miller Wilson Moore Clark Hall Young Kim Park Choi Tanaka Sato "
    "Suzuki Yamada Schmidt Weber Rossi Bianchi Garcia Lopez Martin Dubois Nowak Novak Jensen"
).split()
_GIVEN = (
    "Wei Fang Min Jing Lei Hua Yan Tao Hong Xiaoming Jianguo Ying Dmitry Olga Irina Pavel "
    "Natalia Alexei Yelena Mikhail Svetlana Nikolai John Mary Robert Linda David Susan James "
    "Karen Thomas Emily Jae-won Min-ji Hiroshi Yuki Kenji Anna Marco Giulia Carlos Lucia "
    "Pierre Claire Jan Ewa Lars Ingrid"
).split()
_CITIES = (
    "Harbin Changchun Shenyang Dalian Jilin Vladivostok Khabarovsk Irkutsk Novosibirsk Tomsk "
    "Blagoveshchensk Chita Seoul Busan Niigata Sapporo Almaty Ulaanbaatar Helsinki Tartu Leeds "
    "Bristol Toronto Adelaide Utrecht Lyon Bologna Krakow Porto Bergen"
).split()
_FIELDS = (
    "Economics;History;Hydrology;Linguistics;Geography;Law;Chemistry;International Relations;"
    "Agriculture;Public Policy;Transport Studies;Energy Research;Regional Studies;Sociology;"
    "Ecology;Urban Planning;Demography;Trade Policy;Asian Studies;Applied Mathematics"
).split(";")
_ROLES = (
    "Professor;Associate Professor;Director;Deputy Director;Senior Researcher;Research Fellow;"
    "Lecturer;Head of Department;Chief Economist;Postdoctoral Fellow;Visiting Scholar"
).split(";")
_UNITS = ("Institute of {f}", "Department of {f}", "Laboratory of {f}", "Center for {f}",
          "School of {f}", "{f} Research Center")  # fmt: skip
_ORGS = ("{c} University", "University of {c}", "{c} Academy of Social Sciences",
         "{c} Institute of Technology", "{c} Normal University")  # fmt: skip
_FUNDERS = ("Science Foundation", "Research Council", "Academy of Sciences",
            "Regional Development Fund", "Humanities Foundation", "Ministry of Science")  # fmt: skip
_TRANSLATORS = ("NEAR Institute;the Baltic Text Service;the Northeast Asia Translation Bureau;"
                "the {c} Language Centre;Pacific Rim Translations").split(";")  # fmt: skip
_TITLES = ("Some Observations on {f} in {c}", "A New Model for {f} Cooperation",
           "{f} and Regional Development in {c}", "Research into {f} in the {c} Area",
           "The Future of {f}: Lessons from {c}", "{f} Along the Border: A Survey")  # fmt: skip
_HEADINGS = ("Summary", "Abstract", "Introduction", "1. Background", "Overview")
_MONTHS = "January February March April May June July August September October November December"


def _person(rng: random.Random) -> tuple[str, str]:
    """(as written in the head, as a question names the person)"""
    sur, given = rng.choice(_SURNAMES), rng.choice(_GIVEN)
    written = rng.choice(
        [f"{sur.upper()}, {given}", f"{sur}, {given}", f"{given} {sur}", f"{sur.upper()} {given}"]
    )
    return written, rng.choice([f"{given} {sur}", f"{sur} {given}"])


def _prose(paragraph: str, rng: random.Random) -> str:
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph.strip())
    return " ".join(sentences[: rng.randint(2, 3)])


def _code(rng: random.Random) -> str:
    letters = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(rng.randint(2, 5)))
    return rng.choice(
        [
            f"{rng.randint(5, 19):02d}{letters}{rng.randint(1, 999):03d}",
            f"{rng.randint(10, 23)}-{rng.randint(10, 99)}-{rng.randint(10000, 99999)}",
            f"{rng.randint(10, 23)}{letters}{rng.randint(1000, 9999):04d}",
        ]
    )


class _Head:
    """A document being written: text plus the character span of each named part."""

    def __init__(self):
        self.text = ""
        self.parts: dict[str, tuple[str, int]] = {}

    def add(self, line: str, **named: str) -> None:
        at = len(self.text) + (2 if self.text else 0)
        self.text += ("\n\n" if self.text else "") + line
        for key, value in named.items():
            self.parts[key] = (value, at + line.index(value))


def _paper(rng: random.Random, prose: str) -> tuple[str, list[tuple[str, tuple | None]]]:
    f, c = rng.choice(_FIELDS), rng.choice(_CITIES)
    title = rng.choice(_TITLES).format(f=f, c=c)
    marker = rng.choice(["", "¹", "<sup>1</sup>"])
    h = _Head()
    h.add(rng.choice([title, f"# *{title}*", f"# {title}"]) + marker, title=title)
    people = []
    for _ in range(rng.choice([1, 1, 2])):
        written, spoken = _person(rng)
        role = rng.choice(_ROLES)
        unit = rng.choice(_UNITS).format(f=rng.choice(_FIELDS))
        org = rng.choice(_ORGS).format(c=rng.choice(_CITIES))
        i = len(people)
        named = {f"role{i}": role, f"unit{i}": unit, f"org{i}": org}
        if rng.random() < 0.7:
            h.add(written, **{f"name{i}": written})
            h.add(f"{role}, {unit}, {org}", **named)
        else:
            h.add(f"{written}, {role},  \n{unit}, {org}", **{f"name{i}": written}, **named)
        people.append((spoken, role, unit, org))
    heading = rng.choice(_HEADINGS)
    h.add(rng.choice([heading, f"## **{heading}**", f"## {heading}"]))
    h.add(prose)
    translator = rng.choice(_TRANSLATORS).format(c=rng.choice(_CITIES))
    if rng.random() < 0.5:
        h.add(f"[Translated by {translator}]", translator=translator)
    funder = rng.choice(_FUNDERS)
    if marker and rng.random() < 0.8:
        code = _code(rng)
        note = "¹" if marker == "¹" else "<sup>1</sup>"
        h.add(
            rng.choice(
                [
                    f"{note} Funded by the {funder}, Grant No. {code}",
                    f"{note} A project of the {funder}: {title}, Project No. {code}",
                    f"{note} {funder} Project ({code})",
                ]
            ),
            funder=funder,
            code=code,
        )
    p = h.parts
    about = rng.choice([title, f"the paper on {f}", f"the {f.lower()} paper"])
    qs: list[tuple[str, tuple | None]] = []
    if len(people) == 1:
        qs.append(
            (rng.choice([f"Who wrote {about}?", f"Who is the author of {about}?"]), p["name0"])
        )
    i = rng.randrange(len(people))
    spoken, role, unit, org = people[i]
    qs.append(
        rng.choice(
            [
                (f"Who is the {role.lower()} of the {unit} at {org}?", p[f"name{i}"]),
                (f"Where does {spoken} work?", p[f"org{i}"]),
                (f"Which university or academy is {spoken} at?", p[f"org{i}"]),
                (f"What is {spoken}'s position?", p[f"role{i}"]),
                (
                    f"Which {unit.split()[0].lower()} at {org} does {spoken} belong to?",
                    p[f"unit{i}"],
                ),
            ]
        )
    )
    if "translator" in p:
        qs.append(
            (rng.choice([f"Who translated {about}?", "Who translated the paper?"]), p["translator"])
        )
    else:
        qs.append((f"Who translated {about}?", None))
    if "code" in p:
        qs.append(
            rng.choice(
                [
                    (f"What is the grant number of the {funder} project?", p["code"]),
                    (f"What is the project number of {about}?", p["code"]),
                    (f"Who funded {about}?", p["funder"]),
                ]
            )
        )
    elif rng.random() < 0.5:
        qs.append((f"What is the grant number of {about}?", None))
    stranger = _person(rng)[1]
    if rng.random() < 0.4:
        qs.append((f"Where does {stranger} work?", None))
    return h.text, qs


def _memo(rng: random.Random, prose: str) -> tuple[str, list[tuple[str, tuple | None]]]:
    h = _Head()
    h.add(rng.choice(["MEMORANDUM", "Memo", "INTERNAL MEMO"]))
    to = rng.choice(_ORGS).format(c=rng.choice(_CITIES)) + rng.choice([" Board", " Committee", ""])
    written, spoken = _person(rng)
    role = rng.choice([*_ROLES, "Harbor Master", "Project Manager", "Secretary"])
    date = f"{rng.randint(1, 28)} {rng.choice(_MONTHS.split())} {rng.randint(1995, 2024)}"
    subject = rng.choice(_TITLES).format(f=rng.choice(_FIELDS), c=rng.choice(_CITIES))
    h.add(f"To: {to}", to=to)
    h.add(f"From: {written}, {role}", name=written, role=role)
    h.add(f"Date: {date}", date=date)
    h.add(f"Subject: {subject}", subject=subject)
    h.add(prose)
    p = h.parts
    about = rng.choice([f"the memo about {subject}", f"the memorandum on {subject}", "the memo"])
    qs = [
        (rng.choice([f"Who wrote {about}?", f"Who sent {about}?"]), p["name"]),
        (f"To whom was {about} addressed?", p["to"]),
        (rng.choice([f"When was {about} written?", f"What is the date of {about}?"]), p["date"]),
        (f"What is {spoken}'s position?", p["role"]),
    ]
    rng.shuffle(qs)
    qs = qs[:3]
    if rng.random() < 0.5:
        qs.append((rng.choice([f"Who was copied on {about}?", f"Who approved {about}?"]), None))
    return h.text, qs


def doc_head_questions(paragraphs: list[str], n: int, seed: int) -> list[Question]:
    """`n` made-up heads, each around one of `paragraphs` (real prose), with their questions;
    a question whose answer the head lacks has no answers."""
    rng = random.Random(seed)
    out = []
    for k in range(n):
        prose = _prose(rng.choice(paragraphs), rng)
        text, qs = (_paper if rng.random() < 0.7 else _memo)(rng, prose)
        for j, (question, answer) in enumerate(qs):
            answers = [answer] if answer else []
            for a_text, a_at in answers:
                assert text[a_at : a_at + len(a_text)] == a_text, (text, a_text)
            out.append(Question(f"head{k}-{j}", f"head{k}", question, text, answers))
    return out
