"""The text of one synthetic draft: its chapters, articles, paragraphs and points.

`Writer` writes a draft body of legal-looking Markdown from a `Lexicon` and revises it in
place as drafters do: a few words reworded, a point or an article inserted (later ones
renumber), an article deleted. It returns what changed, for the commit message.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from benchmarks.lexicon import Lexicon

SIZE_MIN, SIZE_MAX = 6_000, 10_000  # bytes of a draft body
DAYS = (5, 10, 15, 20, 30, 45, 60)


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
