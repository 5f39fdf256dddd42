"""Tokens with character offsets, sentence ids and quotation tracking.

Spinners rarely touch quoted speech, so every token records whether it sits inside quotation
marks. Sentence boundaries matter for the language model, which sees each sentence separately.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A word: letters/digits with inner apostrophes, hyphens or dots ("U.S.", "don't", "well-known").
# A number: digits with thousands separators or decimals ("5,000", "1.13").
_TOKEN_RE = re.compile(
    r"""
    (?P<num>\d+(?:[.,]\d+)*(?:st|nd|rd|th|s)?)
  | (?P<word>[^\W\d_](?:[\w]|['’\-.](?=[^\W_]))*)
  | (?P<quote>["“”«»„])
  | (?P<sep>[.!?]+|[;:]|\n\s*\n|\n)
  | (?P<punct>[^\s\w])
    """,
    re.VERBOSE,
)

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr gen col lt sgt capt gov sen rep rev inc ltd co corp vs etc "
    "jan feb mar apr jun jul aug sep sept oct nov dec no fig eq al approx dept est".split()
)
_OPEN_QUOTES = frozenset("“«„")
_CLOSE_QUOTES = frozenset("”»")


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int
    kind: str  # "word", "num" or "punct"
    sent: int  # sentence index
    quoted: bool  # inside quotation marks
    sent_start: bool  # first word of its sentence

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def is_word(self) -> bool:
        return self.kind != "punct"


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; newlines and sentence punctuation advance the sentence id.

    Straight double quotes toggle the quoted state; curly and guillemet quotes open/close it.
    A paragraph break always closes an unterminated quotation so one stray mark cannot
    protect the rest of the document.
    """
    tokens: list[Token] = []
    sent = 0
    quoted = False
    at_sent_start = True
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        s, e = m.span()
        tok_text = m.group()
        if kind == "quote":
            if tok_text == '"':
                quoted = not quoted
            elif tok_text in _OPEN_QUOTES or tok_text == "„":
                quoted = True
            elif tok_text in _CLOSE_QUOTES:
                quoted = False
            tokens.append(Token(tok_text, s, e, "punct", sent, True, False))
            continue
        if kind == "sep":
            if "\n" in tok_text:
                if tok_text.count("\n") > 1 or "\n\n" in tok_text.replace(" ", ""):
                    quoted = False
                if not at_sent_start:
                    sent += 1
                    at_sent_start = True
                continue
            tokens.append(Token(tok_text, s, e, "punct", sent, quoted, False))
            if tok_text[0] in ".!?" and not _is_abbreviation(tokens):
                sent += 1
                at_sent_start = True
            continue
        if kind == "punct":
            tokens.append(Token(tok_text, s, e, "punct", sent, quoted, False))
            continue
        tokens.append(Token(tok_text, s, e, kind or "word", sent, quoted, at_sent_start))
        at_sent_start = False
    return tokens


def _is_abbreviation(tokens: list[Token]) -> bool:
    """True when the '.' just appended ends an abbreviation or an initial, not a sentence."""
    if len(tokens) < 2 or tokens[-1].text != ".":
        return False
    prev = tokens[-2]
    if prev.kind != "word" or prev.end != tokens[-1].start:
        return False
    low = prev.text.lower()
    return low in _ABBREVIATIONS or "." in low or (len(prev.text) == 1 and prev.text.isupper())


def word_count(text: str) -> int:
    return sum(1 for t in tokenize(text) if t.is_word)


def sentence_spans(tokens: list[Token]) -> dict[int, tuple[int, int]]:
    """Sentence id -> (offset of its first token, end of its last token)."""
    spans: dict[int, tuple[int, int]] = {}
    for t in tokens:
        first = spans.get(t.sent)
        spans[t.sent] = (first[0] if first else t.start, t.end)
    return spans
