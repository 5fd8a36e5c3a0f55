"""Build benchmark: Lawtrail against plain mkdocs-material on the same pages.

What is measured
----------------
A synthetic corpus is generated in a fresh git repository: `--drafts` drafts, each committed
`--revisions` times, of legal-looking text (chapters, articles, numbered paragraphs and
points; about one draft in five in Russian). Between revisions a few words are reworded, a
point or an article is sometimes inserted (later ones renumber) and an article is sometimes
deleted, as drafters do. The whole history is written by one `git fast-import` with fixed,
increasing author and committer dates, so the same seed gives the same repository, shas
included, on every run.

That repository is built with the `lawtrail` plugin, in a fresh Python process, timing
`mkdocs.commands.build.build()`: reading the history, validating drafts, rendering every
revision, tracing element ids, diffing the redlines, and MkDocs writing every page and the
search index. The plugin's own `history_seconds` (git log plus the blob reads) is reported
beside the total, as is the child's peak resident memory and the search index's size.

Why the baseline is fair
------------------------
The baseline is what the same site costs with no Lawtrail at all: a plain mkdocs-material
project with exactly as many pages as Lawtrail wrote, at the same URLs and of the same
sizes. Each current-text and revision page holds the Markdown body of that revision, each
redline page the body of its newer revision (a redline shows the new text with the
deletions inline, so it is at least that long), each index page a list of the drafts it
shows. Theme, features, Markdown extensions and search languages are the same, and the same
pages are left out of search (Lawtrail indexes only current texts and the site's own pages),
so MkDocs does the same conversion, templating, writing and indexing work per page. The
baseline has a small explicit nav (home, about and a few drafts), as a hand-written site
would; Lawtrail's nav lists every current draft, and rendering it is part of Lawtrail's cost.
What the baseline does not do is what Lawtrail adds: git, validation, structure, lineage and
redlines. The time-per-page ratio is therefore Lawtrail's overhead over a static site of the
same size, which should stay small (target <= 1.3x).

Both builds run in child processes of this script (`--child KIND DIR`), one after the
other on the same machine, so imports, caches and memory of one do not leak into the other.
Wall-clock time is what the targets use; CPU time (the child's and its git processes') is
reported beside it because it varies much less when other work shares the machine, and
`--repeat K` keeps the fastest of K alternating runs. Missed targets are printed, never
turned into a failing exit status: timings on a shared machine are noisy. Only a failed
build exits non-zero.

Usage: `NO_MKDOCS_2_WARNING=1 .venv/bin/python benchmarks/build.py [--drafts N]
[--revisions R] [--seed S] [--repeat K] [--keep DIR]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import platform
import posixpath
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

TARGET_PAGE_RATIO = 1.3  # Lawtrail's time per page over the baseline's
TARGET_HISTORY_SHARE = 5.0  # history reading, % of the Lawtrail build
TARGET_INDEX_RATIO = 1.0  # search index bytes over the current drafts' Markdown bytes

START = int(dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC).timestamp())
ROUND_SECONDS = 14 * 86_400  # revision r of every draft is committed in round r
COMMIT_SECONDS = 90  # commits within a round, one after another
SIZE_MIN, SIZE_MAX = 6_000, 10_000  # bytes of a draft body
DAYS = (5, 10, 15, 20, 30, 45, 60)

COMMON_YML = """\
site_name: {site_name}
site_url: http://127.0.0.1:8000/
docs_dir: content
theme:
  name: material
  language: en
  features:
    - navigation.sections
    - navigation.top
    - search.highlight
    - toc.follow
  palette:
    - scheme: default
      primary: indigo
      accent: indigo
markdown_extensions:
  - toc:
      permalink: false
  - tables
  - admonition
  - attr_list
"""
LAWTRAIL_YML = """\
plugins:
  - search:
      lang: [en, ru]
  - lawtrail:
      drafts_dir: drafts
"""
BASELINE_YML = """\
plugins:
  - search:
      lang: [en, ru]
validation:
  nav:
    omitted_files: info
"""
ABOUT_MD = """\
# How to take part

Every draft on this site is published while it is still being written, so that anyone can
read it, see how it changed and tell the agency what they think.

- **Read** the current text of a draft, with a plain-language summary on top.
- **Follow** it from initiation to adoption: the timeline lists every stage and every
  revision, and each revision links to a word-by-word comparison with the one before.
- **Link** to any article, paragraph or point.
"""


# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Lexicon:
    """Words and sentence patterns of one language's legal drafting."""

    chapter: str
    article: str
    title: str  # "{n}" and "{topic}"
    topics: tuple[str, ...]
    agencies: tuple[str, ...]
    summaries: tuple[str, ...]  # may use "{topic}"
    general: str  # the first chapter's title
    final: str  # the last chapter's title
    chapter_titles: tuple[str, ...]
    article_titles: tuple[str, ...]
    templates: tuple[str, ...]
    actors: tuple[str, ...]
    recipients: tuple[str, ...]
    verbs: tuple[str, ...]  # finite forms ("publishes"); English uses `infinitives`
    infinitives: tuple[str, ...]
    objects: tuple[str, ...]
    events: tuple[str, ...]
    conditions: tuple[str, ...]
    manners: tuple[str, ...]
    units: tuple[str, ...]
    lead_ins: tuple[str, ...]
    unnumbered_lead_ins: tuple[str, ...]
    points: tuple[str, ...]
    point_tails: tuple[str, ...]
    rewordings: tuple[tuple[str, str], ...]
    clause: str  # appended when nothing else can be reworded
    deadline: str  # a pattern matching the number of a deadline ("30" in "30 days")


EN = Lexicon(
    chapter="Chapter",
    article="Article",
    title="Regulation {n} on {topic}",
    topics=(
        "the licensing of private security services",
        "public procurement transparency",
        "drinking water quality",
        "access to public libraries",
        "noise control in residential areas",
        "waste sorting and recycling",
        "electronic public services",
        "taxi and ride-hailing services",
        "school meal standards",
        "urban cycling infrastructure",
        "open budget data",
        "accessible public transport",
        "street trading permits",
        "energy efficiency of public buildings",
    ),
    agencies=(
        "Ministry of Finance",
        "Ministry of Health",
        "Ministry of Justice",
        "Ministry of Transport",
        "Ministry of Education",
        "Ministry of Ecology and Natural Resources",
        "Ministry of Digital Development",
        "Ministry of Labour and Social Protection",
    ),
    summaries=(
        "This regulation sets clear rules on {topic}. It says what must be published, by "
        "whom and how quickly, and gives everyone a simple way to complain.",
        "The draft explains who is responsible for {topic} and what they must do. Deadlines "
        "are fixed in days and every decision must give its reasons.",
        "Everyone should be able to check how {topic} works. The regulation requires open "
        "records, regular reports and a fair appeal against any decision.",
    ),
    general="General provisions",
    final="Final provisions",
    chapter_titles=(
        "Registration and permits",
        "Rights and obligations of operators",
        "Publication of information",
        "Supervision and inspections",
        "Liability and appeals",
    ),
    article_titles=(
        "Purpose and scope",
        "Definitions",
        "Competent authority",
        "Application for a permit",
        "Examination of applications",
        "Register of permits",
        "Fees",
        "Reporting obligations",
        "Publication of data",
        "Protection of personal data",
        "Inspections",
        "Corrective measures",
        "Suspension of a permit",
        "Appeals",
        "Cooperation with other bodies",
        "Record keeping",
        "Complaints",
        "Public consultation",
        "Transitional provisions",
        "Entry into force",
    ),
    templates=(
        "{actor} shall {inf} {obj} within {n} {unit} of {event}.",
        "{actor} may {inf} {obj} where {cond}.",
        "The information referred to in paragraph {k} of this Article shall be published {manner}.",
        "Where {cond}, {actor_l} shall notify {recipient} and {inf} {obj} {manner}.",
        "{actor} shall {inf} {obj} {manner} and keep a record of it for at least {y} years.",
        "No fee shall be charged for {obj}, except where {cond}.",
    ),
    actors=(
        "The competent authority",
        "The operator",
        "Each licensee",
        "The Ministry",
        "The inspection body",
        "The applicant",
        "A public institution",
        "The registry holder",
        "The local executive body",
        "Every service provider",
    ),
    recipients=("the Ministry", "the applicant", "the inspection body", "the public"),
    verbs=(),
    infinitives=(
        "publish",
        "review",
        "keep",
        "submit",
        "update",
        "verify",
        "register",
        "make available",
        "disclose",
        "assess",
    ),
    objects=(
        "the register of permits",
        "the annual report",
        "all supporting documents",
        "the decision and its reasons",
        "the data referred to in Article 3",
        "the list of approved providers",
        "information on the fees charged",
        "a plan of corrective measures",
        "the results of each inspection",
        "records of every transaction",
    ),
    events=(
        "receipt of the application",
        "the end of each quarter",
        "the date of the decision",
        "the entry into force of this Regulation",
        "the request",
        "the inspection",
    ),
    conditions=(
        "the application is incomplete",
        "a complaint has been received",
        "the information is classified by law",
        "the operator fails to comply",
        "public health is at risk",
        "the data are no longer accurate",
    ),
    manners=(
        "in a machine-readable format",
        "on the official website",
        "in the state and official languages",
        "by electronic means",
        "without undue delay",
        "free of charge",
    ),
    units=("days", "working days", "calendar days"),
    lead_ins=(
        "The application shall contain",
        "The register shall include",
        "The following information shall be published",
        "The annual report shall set out",
    ),
    unnumbered_lead_ins=(
        "For the purposes of this Regulation, the register shall record",
        "The competent authority shall publish",
    ),
    points=(
        "the name and address of the applicant",
        "the type of activity",
        "the documents confirming payment of the fee",
        "the planned start date",
        "a description of the premises and equipment",
        "the contact details of the person responsible",
        "the number of employees",
        "the information on previous violations",
        "the list of subcontractors",
        "the expected volume of services",
        "the decisions taken and their reasons",
        "the complaints received and how they were resolved",
    ),
    point_tails=("", "", " where applicable", " in the form approved by the Ministry"),
    rewordings=(
        ("shall", "must"),
        ("within", "no later than"),
        ("working days", "calendar days"),
        ("competent authority", "authorised body"),
        ("official website", "open data portal"),
        ("annual report", "yearly report"),
        ("free of charge", "at no cost"),
        ("supporting documents", "accompanying documents"),
        ("without undue delay", "promptly"),
        ("applicant", "requester"),
        ("by electronic means", "electronically"),
        ("inspection body", "supervisory body"),
    ),
    clause="unless otherwise provided by law",
    deadline=r"(?<!\w)(\d+)(?= (?:days|working days|calendar days)(?!\w))",
)

RU = Lexicon(
    chapter="Глава",
    article="Статья",
    title="Постановление {n} {topic}",
    topics=(
        "о лицензировании частной охранной деятельности",
        "о прозрачности государственных закупок",
        "о качестве питьевой воды",
        "о доступе к публичным библиотекам",
        "о защите от шума в жилых районах",
        "о раздельном сборе отходов",
        "об электронных государственных услугах",
        "об услугах такси",
        "о стандартах школьного питания",
        "о велосипедной инфраструктуре городов",
    ),
    agencies=(
        "Министерство финансов",
        "Министерство здравоохранения",
        "Министерство юстиции",
        "Министерство транспорта",
    ),
    summaries=(
        "Проект определяет, кто и в какие сроки обязан размещать сведения, и даёт каждому "
        "простой способ подать жалобу.",
        "Постановление устанавливает понятные правила и сроки. Каждое решение должно быть "
        "обосновано, а его можно обжаловать.",
        "Каждый сможет проверить, как исполняются требования. Отчёты и реестры будут "
        "открытыми и бесплатными.",
    ),
    general="Общие положения",
    final="Заключительные положения",
    chapter_titles=(
        "Регистрация и разрешения",
        "Права и обязанности операторов",
        "Размещение информации",
        "Контроль и проверки",
        "Ответственность и обжалование",
    ),
    article_titles=(
        "Предмет регулирования",
        "Основные понятия",
        "Уполномоченный орган",
        "Заявление о выдаче разрешения",
        "Рассмотрение заявлений",
        "Реестр разрешений",
        "Плата",
        "Отчётность",
        "Размещение сведений",
        "Защита персональных данных",
        "Проверки",
        "Меры по устранению нарушений",
        "Приостановление разрешения",
        "Обжалование решений",
        "Взаимодействие с другими органами",
        "Хранение документов",
        "Жалобы",
        "Общественное обсуждение",
        "Переходные положения",
        "Вступление в силу",
    ),
    templates=(
        "{actor} {verb} {obj} в течение {n} {unit} со дня {event}.",
        "{actor} вправе {inf} {obj} в случае, если {cond}.",
        "Сведения, указанные в части {k} настоящей статьи, размещаются {manner}.",
        "В случае если {cond}, {actor_l} уведомляет {recipient} и {verb} {obj} {manner}.",
        "{actor} {verb} {obj} {manner} и хранит сведения об этом не менее {y} лет.",
        "Плата за {obj} не взимается, за исключением случаев, когда {cond}.",
    ),
    actors=(
        "Уполномоченный орган",
        "Оператор",
        "Каждый лицензиат",
        "Министерство",
        "Орган контроля",
        "Заявитель",
        "Государственное учреждение",
        "Держатель реестра",
        "Местный исполнительный орган",
        "Поставщик услуг",
    ),
    recipients=("министерство", "заявителя", "орган контроля", "население"),
    verbs=(
        "публикует",
        "рассматривает",
        "хранит",
        "представляет",
        "обновляет",
        "проверяет",
        "регистрирует",
        "размещает",
        "раскрывает",
        "оценивает",
    ),
    infinitives=(
        "опубликовать",
        "рассмотреть",
        "представить",
        "обновить",
        "проверить",
        "разместить",
        "раскрыть",
    ),
    objects=(
        "реестр разрешений",
        "годовой отчёт",
        "все подтверждающие документы",
        "решение с указанием причин",
        "сведения, указанные в статье 3",
        "перечень допущенных поставщиков",
        "сведения о взимаемой плате",
        "план мер по устранению нарушений",
        "результаты каждой проверки",
        "записи о каждой операции",
    ),
    events=(
        "получения заявления",
        "окончания каждого квартала",
        "принятия решения",
        "вступления в силу настоящего постановления",
        "поступления запроса",
        "проведения проверки",
    ),
    conditions=(
        "заявление представлено не в полном объёме",
        "поступила жалоба",
        "сведения составляют охраняемую законом тайну",
        "оператор не исполняет требования",
        "возникает угроза здоровью населения",
        "сведения утратили актуальность",
    ),
    manners=(
        "в машиночитаемом формате",
        "на официальном интернет-ресурсе",
        "на государственном и русском языках",
        "в электронной форме",
        "без неоправданной задержки",
        "бесплатно",
    ),
    units=("дней", "рабочих дней", "календарных дней"),
    lead_ins=(
        "Заявление должно содержать",
        "В реестр включаются",
        "Размещению подлежат следующие сведения",
        "Годовой отчёт содержит",
    ),
    unnumbered_lead_ins=(
        "Для целей настоящего постановления в реестре указываются",
        "Уполномоченный орган размещает",
    ),
    points=(
        "наименование и адрес заявителя",
        "вид деятельности",
        "документы, подтверждающие уплату сбора",
        "планируемая дата начала деятельности",
        "описание помещений и оборудования",
        "контактные данные ответственного лица",
        "численность работников",
        "сведения о ранее допущенных нарушениях",
        "перечень субподрядчиков",
        "ожидаемый объём услуг",
        "принятые решения и их основания",
        "поступившие жалобы и результаты их рассмотрения",
    ),
    point_tails=("", "", " (при наличии)", " по форме, утверждённой министерством"),
    rewordings=(
        ("в течение", "не позднее"),
        ("рабочих дней", "календарных дней"),
        ("Уполномоченный орган", "Компетентный орган"),
        ("уполномоченный орган", "компетентный орган"),
        ("бесплатно", "на безвозмездной основе"),
        ("официальном интернет-ресурсе", "портале открытых данных"),
        ("годовой отчёт", "ежегодный отчёт"),
        ("подтверждающие документы", "прилагаемые документы"),
        ("без неоправданной задержки", "незамедлительно"),
        ("заявителя", "обратившегося лица"),
        ("в электронной форме", "в форме электронного документа"),
        ("Орган контроля", "Контрольный орган"),
    ),
    clause="если иное не предусмотрено законом",
    deadline=r"(?<!\w)(\d+)(?= (?:дней|рабочих дней|календарных дней)(?!\w))",
)

DRAFTERS = (
    ("Aigerim Sadykova", "a.sadykova@example.org"),
    ("Daniyar Omarov", "d.omarov@example.org"),
    ("Elena Petrova", "e.petrova@example.org"),
    ("James Whitfield", "j.whitfield@example.org"),
    ("Madina Nurlanova", "m.nurlanova@example.org"),
    ("Sofia Marchetti", "s.marchetti@example.org"),
)
STAGE_MESSAGES = {
    "discussion": "Open for public discussion",
    "revision": "Revise after the public discussion",
    "adopted": "Adopted text",
}


# --------------------------------------------------------------------------- draft model


@dataclass
class Paragraph:
    """A paragraph: numbered ("1. ...") or a lead-in line, with points under it."""

    text: str
    points: list[str] = field(default_factory=list)
    numbered: bool = True


@dataclass
class Article:
    title: str
    paragraphs: list[Paragraph]


@dataclass
class Chapter:
    title: str
    articles: list[Article]


@dataclass
class Revision:
    """One committed version of a draft."""

    number: int
    stage: str
    text: str  # the whole draft.md
    body: str
    message: str
    mark: int = 0
    sha: str = ""


@dataclass
class Draft:
    """A synthetic draft and its revisions, oldest first."""

    slug: str
    language: str
    title: str
    agency: str
    summary: str
    drafter: tuple[str, str]
    revisions: list[Revision] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"drafts/{self.slug}/draft.md"

    @property
    def current(self) -> Revision:
        return self.revisions[-1]


class Writer:
    """Generates and revises the text of one draft."""

    def __init__(self, lex: Lexicon, rng: random.Random) -> None:
        self.lex = lex
        self.rng = rng

    def sentence(self) -> str:
        lex, rng = self.lex, self.rng
        actor = rng.choice(lex.actors)
        return rng.choice(lex.templates).format(
            actor=actor,
            actor_l=actor[0].lower() + actor[1:],
            recipient=rng.choice(lex.recipients),
            verb=rng.choice(lex.verbs) if lex.verbs else "",
            inf=rng.choice(lex.infinitives),
            obj=rng.choice(lex.objects),
            event=rng.choice(lex.events),
            cond=rng.choice(lex.conditions),
            manner=rng.choice(lex.manners),
            unit=rng.choice(lex.units),
            n=rng.choice(DAYS),
            k=rng.randint(1, 3),
            y=rng.randint(5, 10),
        )

    def point(self) -> str:
        return self.rng.choice(self.lex.points) + self.rng.choice(self.lex.point_tails)

    def paragraph(self, budget: float, numbered: bool = True) -> Paragraph:
        rng = self.rng
        if not numbered or rng.random() < 0.3:
            lead = rng.choice(self.lex.lead_ins if numbered else self.lex.unnumbered_lead_ins)
            count = max(2, min(6, round(budget / 70)))
            points = rng.sample(self.lex.points, count)
            points = [p + rng.choice(self.lex.point_tails) for p in points]
            return Paragraph(lead, points, numbered)
        sentences = [self.sentence()]
        while len(" ".join(sentences).encode()) < budget * 0.85 and len(sentences) < 4:
            sentences.append(self.sentence())
        return Paragraph(" ".join(sentences))

    def article(self, title: str, budget: float) -> Article:
        if self.rng.random() < 0.08:
            return Article(title, [self.paragraph(budget, numbered=False)])
        count = self.rng.randint(1, 4)
        return Article(title, [self.paragraph(budget / count) for _ in range(count)])

    def chapters(self) -> list[Chapter]:
        rng, lex = self.rng, self.lex
        target = rng.uniform(6_800, 8_600)
        n_articles = rng.randint(8, 12)
        titles = rng.sample(lex.article_titles, n_articles)
        budget = target / n_articles - 60  # headings take about 60 bytes an article
        articles = [self.article(title, budget) for title in titles]
        while len(self.body([Chapter("", articles)]).encode()) < SIZE_MIN + 500:
            rng.choice(articles).paragraphs.append(self.paragraph(budget / 2))
        while len(self.body([Chapter("", articles)]).encode()) > SIZE_MAX - 1_500:
            longer = [a for a in articles if len(a.paragraphs) > 1]
            if not longer:
                break
            rng.choice(longer).paragraphs.pop()
        n_chapters = rng.randint(2, 3)
        middle = rng.sample(lex.chapter_titles, n_chapters - 2)
        names = [lex.general, *middle, lex.final]
        cuts = sorted(rng.sample(range(1, n_articles), n_chapters - 1))
        bounds = [0, *cuts, n_articles]
        return [Chapter(names[i], articles[bounds[i] : bounds[i + 1]]) for i in range(n_chapters)]

    def body(self, chapters: list[Chapter]) -> str:
        lex = self.lex
        out: list[str] = []
        number = 0
        for c, chapter in enumerate(chapters, 1):
            out.append(f"## {lex.chapter} {c}. {chapter.title}")
            for article in chapter.articles:
                number += 1
                out.append(f"### {lex.article} {number}. {article.title}")
                for p, paragraph in enumerate(article.paragraphs, 1):
                    lines = [f"{p}. {paragraph.text}" if paragraph.numbered else paragraph.text]
                    if paragraph.points:
                        lines[0] += ":"
                        last = len(paragraph.points)
                        lines.extend(
                            f"{i}) {point}{'.' if i == last else ';'}"
                            for i, point in enumerate(paragraph.points, 1)
                        )
                    out.append("\n".join(lines))
        return "\n\n".join(out) + "\n"

    # Revisions -----------------------------------------------------------------------

    def revise(self, chapters: list[Chapter], size: int) -> list[str]:
        """Change the text in place as a drafter would; returns what changed."""
        rng = self.rng
        changes: list[str] = []
        # Sizes stay between SIZE_MIN and SIZE_MAX: an article is about 700 bytes.
        if size > SIZE_MAX - 900 or (size > SIZE_MIN + 1_500 and rng.random() < 0.15):
            changes.append(self._delete_article(chapters))
        elif size < SIZE_MAX - 1_600 and rng.random() < 0.25:
            changes.append(self._insert_article(chapters))
        if rng.random() < 0.4:
            changes.append(self._insert_point(chapters))
        changes.append(self._reword(chapters, rng.randint(1, 3)))
        return [c for c in changes if c]

    def _numbered(self, chapters: list[Chapter]) -> list[tuple[int, Chapter, Article]]:
        out = []
        number = 0
        for chapter in chapters:
            for article in chapter.articles:
                number += 1
                out.append((number, chapter, article))
        return out

    def _delete_article(self, chapters: list[Chapter]) -> str:
        candidates = [
            (n, chapter, article)
            for n, chapter, article in self._numbered(chapters)
            if n > 1 and len(chapter.articles) > 1
        ]
        if not candidates:
            return ""
        number, chapter, article = self.rng.choice(candidates)
        last = sum(len(c.articles) for c in chapters)
        chapter.articles.remove(article)
        renumber = f", renumber {_span(number + 1, last, -1)}" if number < last else ""
        return f"delete Article {number}{renumber}"

    def _insert_article(self, chapters: list[Chapter]) -> str:
        rng = self.rng
        chapter = rng.choice(chapters)
        at = rng.randrange(len(chapter.articles))  # before an existing article
        last = sum(len(c.articles) for c in chapters)
        before = chapter.articles[at]
        number = next(n for n, _, a in self._numbered(chapters) if a is before)
        chapter.articles.insert(at, self.article(rng.choice(self.lex.article_titles), 650))
        return f"insert Article {number}, renumber {_span(number, last, 1)}"

    def _insert_point(self, chapters: list[Chapter]) -> str:
        listed = [
            (n, p, paragraph)
            for n, _, article in self._numbered(chapters)
            for p, paragraph in enumerate(article.paragraphs, 1)
            if paragraph.points
        ]
        if not listed:
            return ""
        number, p, paragraph = self.rng.choice(listed)
        at = self.rng.randint(0, len(paragraph.points))
        paragraph.points.insert(at, self.point())
        where = f"Article {number}({p})" if paragraph.numbered else f"Article {number}"
        return f"insert point {at + 1}) in {where}"

    def _reword(self, chapters: list[Chapter], count: int) -> str:
        paragraphs = [
            (n, p, paragraph)
            for n, _, article in self._numbered(chapters)
            for p, paragraph in enumerate(article.paragraphs, 1)
            if paragraph.numbered and not paragraph.points
        ]
        if not paragraphs:
            return ""
        chosen = self.rng.sample(paragraphs, min(count, len(paragraphs)))
        for _, _, paragraph in chosen:
            paragraph.text = self._reworded(paragraph.text)
        where = ", ".join(f"{n}({p})" for n, p, _ in sorted(chosen, key=lambda c: c[:2]))
        return f"reword Article{'s' if len(chosen) > 1 else ''} {where}"

    def _reworded(self, text: str) -> str:
        """The text with one or two words or phrases changed."""
        rng = self.rng
        original = text
        for _ in range(rng.randint(1, 2)):
            options: list[tuple[int, int, str]] = []  # replace text[start:end] with this
            numbers = list(re.finditer(self.lex.deadline, text))
            if numbers:
                found = rng.choice(numbers)
                value = rng.choice([d for d in DAYS if str(d) != found[1]])
                options.append((found.start(), found.end(), str(value)))
            for old, new in self.lex.rewordings:
                for a, b in ((old, new), (new, old)):
                    spots = list(re.finditer(rf"(?<!\w){re.escape(a)}(?!\w)", text))
                    if spots:
                        spot = rng.choice(spots)
                        options.append((spot.start(), spot.end(), b))
            if options:
                start, end, replacement = rng.choice(options)
                text = text[:start] + replacement + text[end:]
        if text == original and self.lex.clause not in text and text.endswith("."):
            text = text[:-1] + f", {self.lex.clause}."
        elif text == original:
            text = text.replace(f", {self.lex.clause}", "")
        return text


def _span(first: int, last: int, shift: int) -> str:
    """'Articles 5-9 as 6-10', or 'Article 9 as 10' for one."""
    if first == last:
        return f"Article {first} as {first + shift}"
    return f"Articles {first}-{last} as {first + shift}-{last + shift}"


def front_matter(draft: Draft, stage: str, opens: dt.date | None) -> str:
    lines = [
        "---",
        f"title: {draft.title}",
        f"agency: {draft.agency}",
        f"stage: {stage}",
    ]
    if opens is not None and stage != "initiated":
        # Long enough to cover every round still in discussion: a text changed after its
        # window closed (without a new one) is a rule breach the build would warn about.
        closes = opens + dt.timedelta(days=366)
        lines.append(f"discussion: {{opens: {opens.isoformat()}, closes: {closes.isoformat()}}}")
    lines += [f"summary: {draft.summary}", f"language: {draft.language}", "---", ""]
    return "\n".join(lines) + "\n"


def stage_plan(revisions: int, final: str) -> list[str]:
    """Stages of revisions 1..R: initiated, then discussion, revision and `final`."""
    stages = ["initiated"]
    for r in range(1, revisions):
        position = r / (revisions - 1)
        if r == revisions - 1:
            stages.append(final)
        elif final == "discussion" or position <= 0.5:
            stages.append("discussion")
        else:
            stages.append("revision")
    return stages


def generate(count: int, revisions: int, seed: int) -> list[Draft]:
    """Drafts with every revision's text and commit message (not yet committed)."""
    drafts: list[Draft] = []
    for i in range(1, count + 1):
        rng = random.Random(f"{seed}:{i}")
        russian = i % 5 == 3
        lex = RU if russian else EN
        topic = rng.choice(lex.topics)
        draft = Draft(
            slug=f"d{i:04d}",
            language="ru" if russian else "en",
            title=lex.title.format(n=i, topic=topic),
            agency=rng.choice(lex.agencies),
            summary=rng.choice(lex.summaries).format(topic=topic),
            drafter=rng.choice(DRAFTERS),
        )
        writer = Writer(lex, rng)
        chapters = writer.chapters()
        final = rng.choices(("discussion", "revision", "adopted"), (3, 3, 4))[0]
        stages = stage_plan(revisions, final)
        # The window opens on the day revision 2 is committed (round 1), for a month.
        opens = dt.datetime.fromtimestamp(START + ROUND_SECONDS, dt.UTC).date()
        body = ""
        for number, stage in enumerate(stages, 1):
            if number == 1:
                body = writer.body(chapters)
                message = f"Initial draft: {draft.title}"
            else:
                changes = writer.revise(chapters, len(body.encode()))
                body = writer.body(chapters)
                if stage != stages[number - 2]:
                    changes.insert(0, STAGE_MESSAGES[stage])
                message = "; ".join(changes)
                message = message[0].upper() + message[1:]
            text = front_matter(draft, stage, opens) + body
            draft.revisions.append(Revision(number, stage, text, body, f"{draft.slug}: {message}"))
        drafts.append(draft)
    return drafts


# --------------------------------------------------------------------------- git history


def git(repo: Path, *args: str, data: bytes | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=repo, input=data, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.decode().strip()}")
    return done.stdout.decode().strip()


def _data(payload: str) -> bytes:
    raw = payload.encode("utf-8")
    return b"data %d\n" % len(raw) + raw + b"\n"


def _commit(
    mark: int, who: tuple[str, str], stamp: int, message: str, files: dict[str, str]
) -> bytes:
    ident = f"{who[0]} <{who[1]}> {stamp} +0000"
    parts = [
        f"commit refs/heads/main\nmark :{mark}\nauthor {ident}\ncommitter {ident}\n".encode(),
        _data(message),
    ]
    for path, content in files.items():
        parts.append(f"M 100644 inline {path}\n".encode())
        parts.append(_data(content))
    parts.append(b"\n")
    return b"".join(parts)


def make_repo(repo: Path, drafts: list[Draft], seed: int) -> int:
    """Commit the site and every revision through one `git fast-import`; returns commits."""
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "symbolic-ref", "HEAD", "refs/heads/main")
    git(repo, "config", "user.name", "Lawtrail Benchmark")
    git(repo, "config", "user.email", "bench@example.org")
    site = {
        ".gitignore": "site/\n",
        "mkdocs.yml": COMMON_YML.format(site_name="Lawtrail benchmark") + LAWTRAIL_YML,
        "content/about.md": ABOUT_MD,
    }
    stream = [_commit(1, ("Lawtrail Benchmark", "bench@example.org"), START, "Site", site)]
    mark = 1
    order = random.Random(f"{seed}:order")
    rounds = max(len(d.revisions) for d in drafts)
    for r in range(rounds):
        batch = [d for d in drafts if r < len(d.revisions)]
        order.shuffle(batch)
        for j, draft in enumerate(batch, 1):
            mark += 1
            revision = draft.revisions[r]
            revision.mark = mark
            stamp = START + r * ROUND_SECONDS + j * COMMIT_SECONDS
            files = {draft.path: revision.text}
            stream.append(_commit(mark, draft.drafter, stamp, revision.message, files))
    marks = repo / ".git" / "bench-marks"
    git(repo, "fast-import", "--quiet", f"--export-marks={marks}", data=b"".join(stream))
    shas = dict(line.split() for line in marks.read_text().splitlines())
    for draft in drafts:
        for revision in draft.revisions:
            revision.sha = shas[f":{revision.mark}"]
    git(repo, "reset", "--hard", "-q")
    return mark


# --------------------------------------------------------------------------- baseline


def _index_md(title: str, src: str, drafts: Sequence[Draft]) -> str:
    lines = [f"---\ntitle: {title}\nsearch:\n  exclude: true\n---\n", f"# {title}\n"]
    here = posixpath.dirname(src) or "."
    for draft in drafts:
        link = posixpath.relpath(f"drafts/{draft.slug}/index.md", here)
        revision = draft.current
        lines.append(
            f"- [{draft.title}]({link}) — {draft.agency} — {revision.stage}, "
            f"revision {revision.number}. {draft.summary}"
        )
    return "\n".join(lines) + "\n"


def _page_md(title: str, body: str, search: bool, summary: str = "") -> str:
    meta = f"title: {title}\n" + ("" if search else "search:\n  exclude: true\n")
    lead = f"{summary}\n\n" if summary else ""
    return f"---\n{meta}---\n\n# {title}\n\n{lead}{body}"


def html_pages(site: Path) -> Iterator[str]:
    """Site-relative paths of the HTML pages written (not 404, not theme assets)."""
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel != "404.html" and not rel.startswith("assets/"):
            yield rel


def make_baseline(root: Path, lawtrail_site: Path, drafts: list[Draft]) -> dict[str, int]:
    """One plain Markdown page per page Lawtrail wrote, at the same URL; returns the kinds."""
    from site_builder.urls import slugify  # the URL of an agency's page is Lawtrail's

    content = root / "content"
    by_slug = {d.slug: d for d in drafts}
    by_short = {r.sha[:10]: (d, r) for d in drafts for r in d.revisions}
    stages: dict[str, list[Draft]] = {}
    agencies: dict[str, list[Draft]] = {}
    for draft in drafts:
        stages.setdefault(draft.current.stage, []).append(draft)
        agencies.setdefault(slugify(draft.agency), []).append(draft)
    kinds: dict[str, int] = {}
    for rel in html_pages(lawtrail_site):
        src = rel[: -len(".html")] + ".md"
        parts = src.split("/")
        kind = "other"
        if src == "index.md":
            kind, text = "index", _index_md("Drafts", src, drafts)
        elif src == "about/index.md":
            kind, text = "about", ABOUT_MD
            src = "about.md"
        elif parts[0] == "stage" and parts[1] in stages:
            kind, text = "index", _index_md(parts[1], src, stages[parts[1]])
        elif parts[0] == "agency" and parts[1] in agencies:
            group = agencies[parts[1]]
            kind, text = "index", _index_md(group[0].agency, src, group)
        elif parts[0] == "drafts" and parts[1] in by_slug and len(parts) == 3:
            draft = by_slug[parts[1]]
            kind = "current"
            text = _page_md(draft.title, draft.current.body, True, draft.summary)
        elif parts[0] == "drafts" and len(parts) == 5 and parts[2] == "rev":
            draft, revision = by_short[parts[3]]
            kind = "revision"
            title = f"{draft.title} — revision {revision.number}"
            text = _page_md(title, revision.body, False)
        elif parts[0] == "drafts" and len(parts) == 5 and parts[2] == "compare":
            old, new = (by_short[sha] for sha in parts[3].split(".."))
            kind = "redline"
            title = f"{new[0].title} — changes from revision {old[1].number} to {new[1].number}"
            text = _page_md(title, new[1].body, False)
        else:
            text = _page_md(rel, drafts[0].current.body, False)
        kinds[kind] = kinds.get(kind, 0) + 1
        path = content / src
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    nav = ["nav:", "  - Drafts: index.md", "  - About: about.md"]
    nav += [f"  - {d.slug}: drafts/{d.slug}/index.md" for d in drafts[:3]]
    config = COMMON_YML.format(site_name="Baseline") + BASELINE_YML + "\n".join(nav) + "\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    return kinds


# --------------------------------------------------------------------------- measuring


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (git): user plus system."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_mb() -> float:
    """This process's own peak resident memory, in MB.

    On Linux `ru_maxrss` keeps the high-water mark of the process image an exec replaced:
    a child started by a benchmark that holds a large corpus would report the benchmark's
    memory, not its own. `VmHWM` in /proc/self/status is the current image's alone.
    """
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def child(kind: str, directory: Path) -> int:
    """Build `directory` in this (fresh) process and print one JSON line of figures."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    counter = _Counter()
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.WARNING)
    logging.getLogger("mkdocs").addHandler(counter)
    logging.getLogger("mkdocs").addHandler(stderr)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    os.chdir(directory)
    config = load_config(str(directory / "mkdocs.yml"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        build(config)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
    finally:
        config.plugins.on_shutdown()
    history: float | None = None
    if kind == "lawtrail":
        history = float(config.plugins["lawtrail"].stats["history_seconds"])  # type: ignore[attr-defined]
    peak_mb = _peak_mb()
    site = Path(config.site_dir)
    index = site / "search" / "search_index.json"
    pages = list(html_pages(site))
    figures = {
        "kind": kind,
        "pages": len(pages),
        "html_bytes": sum((site / page).stat().st_size for page in pages),
        "seconds": seconds,
        "cpu_seconds": cpu,
        "history_seconds": history,
        "peak_mb": peak_mb,
        "search_index_bytes": index.stat().st_size if index.is_file() else 0,
        "warnings": counter.messages,
    }
    print(json.dumps(figures, ensure_ascii=False))
    return 0


def measure(kind: str, directory: Path) -> dict[str, Any]:
    """Run one build in a child Python; exits the benchmark if the build fails."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(directory)],
        cwd=directory,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        sys.stderr.write(done.stdout + done.stderr)
        sys.exit(f"the {kind} build failed (exit status {done.returncode})")
    figures: dict[str, Any] = json.loads(lines[-1])
    return figures


def index_encoding(index: Path, expect_cyrillic: bool) -> tuple[bool, str]:
    """Whether the search index is UTF-8 with Cyrillic written as itself."""
    if not index.is_file():
        return False, "no search index"
    raw = index.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return False, f"not UTF-8 (byte {err.start})"
    escapes = len(re.findall(rb"\\u04[0-9a-fA-F]{2}", raw))
    cyrillic = len(re.findall("[\u0400-\u04ff]", text))
    if escapes:
        return False, f"UTF-8, but {escapes:,} Cyrillic characters escaped as \\u04xx"
    if expect_cyrillic and not cyrillic:
        return False, "UTF-8, but no Cyrillic text found though Russian drafts exist"
    return True, f"UTF-8, {cyrillic:,} Cyrillic characters, no \\u04xx escapes"


# --------------------------------------------------------------------------- report


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "?"


def report(
    args: argparse.Namespace,
    drafts: list[Draft],
    commits: int,
    corpus_seconds: float,
    kinds: dict[str, int],
    lt: dict[str, Any],
    bl: dict[str, Any],
    lawtrail_dir: Path,
) -> None:
    markdown_bytes = sum(len(d.current.text.encode()) for d in drafts)
    versions = (
        f"Python {platform.python_version()}, mkdocs {_version('mkdocs')}, "
        f"mkdocs-material {_version('mkdocs-material')}, {git(lawtrail_dir, 'version')}"
    )
    pages_by_kind = ", ".join(f"{n:,} {k}" for k, n in sorted(kinds.items()))
    print()
    print(
        f"Lawtrail build benchmark: {len(drafts):,} drafts x {args.revisions} revisions "
        f"(seed {args.seed}), {commits:,} commits; corpus made in {corpus_seconds:.1f} s"
    )
    print(versions)
    print(f"pages: {pages_by_kind}")
    if args.repeat > 1:
        print(f"each build run {args.repeat} times; the fastest run is shown")
    print()
    rows: list[tuple[str, str, str]] = [
        ("", "Lawtrail", "baseline"),
        ("pages", f"{lt['pages']:,}", f"{bl['pages']:,}"),
        ("build seconds", f"{lt['seconds']:.2f}", f"{bl['seconds']:.2f}"),
        ("CPU seconds", f"{lt['cpu_seconds']:.2f}", f"{bl['cpu_seconds']:.2f}"),
        ("pages/s", f"{lt['pages'] / lt['seconds']:.1f}", f"{bl['pages'] / bl['seconds']:.1f}"),
        (
            "ms per page",
            f"{1000 * lt['seconds'] / lt['pages']:.2f}",
            f"{1000 * bl['seconds'] / bl['pages']:.2f}",
        ),
        ("HTML written (MB)", f"{lt['html_bytes'] / 1e6:.1f}", f"{bl['html_bytes'] / 1e6:.1f}"),
        ("peak memory (MB)", f"{lt['peak_mb']:.0f}", f"{bl['peak_mb']:.0f}"),
        (
            "search index (bytes)",
            f"{lt['search_index_bytes']:,}",
            f"{bl['search_index_bytes']:,}",
        ),
        ("build warnings", str(len(lt["warnings"])), str(len(bl["warnings"]))),
    ]
    for name, a, b in rows:
        print(f"  {name:<22}{a:>14}{b:>14}")
    print()
    if lt["pages"] != bl["pages"]:
        print(f"  note: the baseline wrote {bl['pages']:,} pages, Lawtrail {lt['pages']:,}")
    ratio = (lt["seconds"] / lt["pages"]) / (bl["seconds"] / bl["pages"])
    history = float(lt["history_seconds"] or 0.0)
    share = 100 * history / lt["seconds"]
    index_ratio = lt["search_index_bytes"] / markdown_bytes
    has_ru = any(d.language == "ru" for d in drafts)
    utf8, detail = index_encoding(lawtrail_dir / "site" / "search" / "search_index.json", has_ru)
    checks = [
        (
            "time per page, Lawtrail / baseline",
            f"{ratio:.2f} x",
            f"<= {TARGET_PAGE_RATIO} x",
            ratio <= TARGET_PAGE_RATIO,
        ),
        (
            "history (git log + blobs)",
            f"{history:.3f} s = {share:.1f} % of the build",
            f"<= {TARGET_HISTORY_SHARE:.0f} %",
            share <= TARGET_HISTORY_SHARE,
        ),
        (
            "search index / current Markdown",
            f"{index_ratio:.2f} ({lt['search_index_bytes']:,} / {markdown_bytes:,} bytes)",
            f"<= {TARGET_INDEX_RATIO}",
            index_ratio <= TARGET_INDEX_RATIO,
        ),
        ("search index encoding", detail, "UTF-8, unescaped", utf8),
    ]
    for name, figure, target, ok in checks:
        print(f"  {name:<36}{figure}   (target {target})   {_verdict(ok)}")
    cpu_ratio = (lt["cpu_seconds"] / lt["pages"]) / (bl["cpu_seconds"] / bl["pages"])
    per_draft = lt["search_index_bytes"] / len(drafts)
    print(f"  {'same ratio in CPU time':<36}{cpu_ratio:.2f} x   (less sensitive to a busy machine)")
    print(f"  {'search index per current draft':<36}{per_draft:,.0f} bytes")
    for label, figures in (("Lawtrail", lt), ("baseline", bl)):
        for message in figures["warnings"][:5]:
            print(f"  {label} warning: {message}")


# --------------------------------------------------------------------------- main


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else "")
    parser.add_argument("--drafts", type=int, default=200, help="drafts (default 200)")
    parser.add_argument(
        "--revisions", type=int, default=10, help="revisions per draft (default 10)"
    )
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="build each site K times, keep the fastest"
    )
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="move the corpus and both sites to DIR"
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is None:
        if args.drafts < 1 or args.revisions < 1 or args.repeat < 1:
            parser.error("--drafts, --revisions and --repeat must be at least 1")
        if args.keep is not None and args.keep.exists():
            parser.error(f"--keep {args.keep}: already exists; name a new folder")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child is not None:
        return child(args.child[0], Path(args.child[1]).resolve())
    root = Path(tempfile.mkdtemp(prefix="lawtrail-bench-"))
    try:
        lawtrail_dir, baseline_dir = root / "lawtrail", root / "baseline"
        started = time.perf_counter()
        drafts = generate(args.drafts, args.revisions, args.seed)
        commits = make_repo(lawtrail_dir, drafts, args.seed)
        corpus_seconds = time.perf_counter() - started
        _progress(f"corpus: {len(drafts)} drafts, {commits} commits in {corpus_seconds:.1f} s")
        lt_runs: list[dict[str, Any]] = []
        bl_runs: list[dict[str, Any]] = []
        kinds: dict[str, int] = {}
        for run in range(args.repeat):
            _progress(f"building with Lawtrail (run {run + 1}/{args.repeat})...")
            lt_runs.append(measure("lawtrail", lawtrail_dir))
            if run == 0:
                kinds = make_baseline(baseline_dir, lawtrail_dir / "site", drafts)
            _progress(f"building the baseline (run {run + 1}/{args.repeat})...")
            bl_runs.append(measure("baseline", baseline_dir))
        lt = min(lt_runs, key=lambda f: float(f["seconds"]))
        bl = min(bl_runs, key=lambda f: float(f["seconds"]))
        report(args, drafts, commits, corpus_seconds, kinds, lt, bl, lawtrail_dir)
    finally:
        if args.keep is not None:
            shutil.move(root, args.keep)
            _progress(f"kept in {args.keep}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
