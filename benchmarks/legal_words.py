"""The pseudo-German vocabulary of the legal benchmark, and each act's voice.

`Lexicon` makes tens of thousands of words from syllables, ranked for a Zipf-like draw with
real German function words first; `Voice` is one act's way of drawing from it (its own
ranking of the content words), writing words, phrases, sentences and titles.
"""

from __future__ import annotations

import bisect
import math
import random

FUNCTION_WORDS = (
    "der", "die", "das", "und", "in", "den", "von", "zu", "mit", "des", "dem", "nicht", "ist",
    "für", "auf", "wird", "eine", "ein", "als", "auch", "nach", "bei", "oder", "werden", "sind",
    "einer", "kann", "so", "durch", "über", "an", "zur", "zum", "einem", "aus", "sich", "es",
    "wenn", "soweit", "sofern", "Absatz", "Satz", "Nummer", "hat", "haben", "ihm", "ihr", "vor",
    "gegen", "unter", "ohne", "bis", "diese", "dieser", "dieses", "jedoch", "insbesondere",
    "sowie", "hierzu", "Gläubiger", "Schuldner", "Vertrag", "Recht", "Anspruch", "Person",
    "Frist", "Antrag", "Behörde", "Eigentümer", "Erklärung", "Leistung", "Verpflichtete",
)  # fmt: skip
ONSETS = (
    "", "", "b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "w", "z",
    "sch", "st", "sp", "br", "fr", "gr", "kr", "tr", "pf", "kl", "bl", "ver", "be", "ge",
)  # fmt: skip
NUCLEI = ("a", "e", "i", "o", "u", "ä", "ö", "ü", "ei", "au", "ie", "eu", "e", "a")
CODAS = ("", "", "n", "r", "l", "s", "t", "ch", "ng", "rt", "nd", "st", "ck", "ß", "m", "ft")
NOUN_ENDINGS = (
    "ung", "keit", "heit", "schaft", "recht", "gesetz", "stelle", "behörde", "vertrag",
    "pflicht", "verfahren", "anspruch", "frist", "ordnung", "",
)  # fmt: skip


class Lexicon:
    """A large pseudo-German vocabulary, ranked for a Zipf-like draw.

    Real acts use thousands of distinct words and a code tens of thousands: enough to break
    any scheme that gives each distinct word one character of a small range. Ranks are
    weighted 1/(rank + 2.7) (Zipf-Mandelbrot), so a few words are everywhere and most are
    rare, as in real text.
    """

    def __init__(self, rng: random.Random, size: int) -> None:
        words: set[str] = set(FUNCTION_WORDS)
        content: list[str] = []
        while len(content) < size:
            word = "".join(
                rng.choice(ONSETS) + rng.choice(NUCLEI) + rng.choice(CODAS)
                for _ in range(rng.choice((1, 1, 2, 2, 2, 3)))
            )
            noun = rng.random() < 0.4
            if noun:
                word = (word + rng.choice(NOUN_ENDINGS)).capitalize()
            if len(word) >= 3 and word not in words:
                words.add(word)
                content.append(word)
        self.function = list(FUNCTION_WORDS)
        self.content = content
        total = len(self.function) + len(content)
        self.cum_weights: list[float] = []
        running = 0.0
        for rank in range(total):
            running += 1.0 / (rank + 2.7)
            self.cum_weights.append(running)
        self.nouns = [w for w in content if w[0].isupper()]


class Voice:
    """One act's way of drawing words: the lexicon with its own ranking of content words."""

    def __init__(self, lexicon: Lexicon, rng: random.Random) -> None:
        self.lexicon = lexicon
        self.rng = rng
        size = len(lexicon.content)
        step = rng.randrange(1, size)
        while math.gcd(step, size) != 1:
            step += 1
        self.step, self.shift, self.size = step, rng.randrange(size), size

    def word(self) -> str:
        lexicon = self.lexicon
        weights = lexicon.cum_weights
        rank = bisect.bisect(weights, self.rng.random() * weights[-1])
        rank = min(rank, len(weights) - 1)
        if rank < len(lexicon.function):
            return lexicon.function[rank]
        rank -= len(lexicon.function)
        return lexicon.content[(rank * self.step + self.shift) % self.size]

    def noun(self) -> str:
        """A capitalised content word, the act's frequent ones more often (for titles)."""
        word = self.word()
        if word[0].isupper() and word not in FUNCTION_WORDS:
            return word
        nouns = self.lexicon.nouns
        return nouns[int(len(nouns) * self.rng.random() ** 4)]

    def phrase(self, low: int, high: int) -> str:
        """Words with the odd comma or cross-reference, no final punctuation."""
        rng = self.rng
        words = [self.word() for _ in range(rng.randint(low, high))]
        if rng.random() < 0.2:
            words.insert(rng.randrange(len(words) + 1), f"nach § {rng.randint(1, 900)}")
        elif rng.random() < 0.1:
            words.insert(rng.randrange(len(words) + 1), f"des Absatzes {rng.randint(1, 4)}")
        for i in range(1, len(words) - 1):
            if rng.random() < 0.07:
                words[i] += ","
        return " ".join(words)

    def sentence(self) -> str:
        text = self.phrase(6, 22)
        return text[0].upper() + text[1:] + "."

    def title(self) -> str:
        rng = self.rng
        pattern = rng.random()
        if pattern < 0.4:
            return self.noun()
        if pattern < 0.7:
            return f"{self.noun()} und {self.noun()}"
        return f"{self.noun()} {rng.choice(('bei', 'des', 'für', 'nach'))} {self.noun()}"
