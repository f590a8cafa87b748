"""Rich text as words: a rendered word diff of two HTML texts, the plain text a person edits, and that
edited text merged back into the HTML it came from.

All three work on the same tokens: the words, spaces and punctuation of the text, each with the tags
open around it, and a line break where a paragraph, a list item or a heading ends. Input is HTML as
richtext.sanitize keeps it (sanitized); output goes through the same sanitizer.
"""

import difflib
import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from richtext.sanitize import sanitize_html

WORDS = re.compile(r"\w+|\s+|[^\w\s]")
BLOCK_TAGS = {"p", "li", "h2", "h3", "h4", "blockquote", "ul", "ol"}
INLINE_TAGS = {"strong", "b", "em", "i", "u", "s", "sub", "sup", "small", "a"}
VOID_TAGS = {"br", "hr"}
MARKS = {"ins", "del"}


@dataclass(frozen=True)
class Token:
    kind: str  # "text", "break" (a line ends: <br>, </p>, </li>…), "open" or "close"
    value: str  # the text (unescaped), or the tag's name
    raw: str = ""  # an open tag as written, attributes included
    context: tuple = ()  # the open tags around a text or a break, outermost first

    @property
    def key(self):
        """What two texts compare: the words with the formatting around them; any whitespace is alike."""
        value = " " if self.kind == "break" or self.value.isspace() else self.value
        return value, self.context


class Tokenizer(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens, self.stack = [], []

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            self.tokens.append(Token("break", tag, context=tuple(raw for _, raw in self.stack)))
            return
        raw = self.get_starttag_text()
        self.tokens.append(Token("open", tag, raw))
        self.stack.append((tag, raw))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in (name for name, _ in self.stack):
            return
        if tag in BLOCK_TAGS:
            self.tokens.append(Token("break", tag, context=tuple(raw for _, raw in self.stack)))
        while self.stack:
            name, _ = self.stack.pop()
            self.tokens.append(Token("close", name))
            if name == tag:
                break

    def handle_data(self, data):
        context = tuple(raw for _, raw in self.stack)
        self.tokens.extend(Token("text", word, context=context) for word in WORDS.findall(data))


def tokenize(html):
    parser = Tokenizer()
    parser.feed(html or "")
    parser.close()
    while parser.stack:  # close what the text left open
        parser.handle_endtag(parser.stack[-1][0])
    return parser.tokens


def words(tokens):
    return [token for token in tokens if token.kind in ("text", "break")]


def inline_html(token):
    """A word with the inline formatting (bold, a link…) around it, for text shown out of its place."""
    if token.kind == "break":
        return "<br>"
    tags = [raw for raw in token.context if re.match(r"<(\w+)", raw)[1].lower() in INLINE_TAGS]
    closing = "".join(f"</{re.match(r'<(\w+)', raw)[1].lower()}>" for raw in reversed(tags))
    return "".join(tags) + escape(token.value) + closing


def word_opcodes(old_words, new_words):
    matcher = difflib.SequenceMatcher(None, [w.key for w in old_words], [w.key for w in new_words], False)
    return matcher.get_opcodes()


def html_diff(old, new):
    """`new` as HTML, its inserted words in <ins> and the words of `old` it lost in <del>, in place.

    The formatting (paragraphs, lists, bold, links) is the new text's; a deleted word keeps its own
    bold or link. Words that changed only their formatting count as deleted and inserted.
    """
    old_words, tokens = words(tokenize(old)), tokenize(new)
    new_words = words(tokens)
    inserted, deleted = set(), {}
    for op, i1, i2, j1, j2 in word_opcodes(old_words, new_words):
        if op in ("delete", "replace"):
            deleted[j1] = old_words[i1:i2]
        if op in ("insert", "replace"):
            inserted.update(range(j1, j2))

    out, index, in_ins = [], 0, False

    def close_ins():
        nonlocal in_ins
        if in_ins:
            out.append("</ins>")
            in_ins = False

    def put_deleted(at):
        lost = deleted.pop(at, [])
        while lost and lost[-1].kind == "break":  # the end of a lost paragraph: nothing to show
            lost = lost[:-1]
        if lost:
            close_ins()
            out.append("<del>" + "".join(inline_html(w) for w in lost) + "</del>")

    for token in tokens:
        if token.kind in ("open", "close"):
            close_ins()
            out.append(token.raw if token.kind == "open" else f"</{token.value}>")
            continue
        if index == 0:
            put_deleted(0)
        if token.kind == "text":
            if index in inserted and not in_ins:
                out.append("<ins>")
                in_ins = True
            elif index not in inserted:
                close_ins()
            out.append(escape(token.value))
        elif token.value in VOID_TAGS:
            close_ins()
            out.append(f"<{token.value}>")
        index += 1
        put_deleted(index)
    close_ins()
    for at in list(deleted):  # a new text without words: what the old one had
        put_deleted(at)
    return sanitize_html("".join(out), extra_tags=MARKS)


def plain_text(html):
    """The text of `html` as a person edits it in a plain text box: paragraphs apart by a blank line,
    list items and line breaks on lines of their own."""
    out = []
    for token in tokenize(html):
        if token.kind == "text":
            out.append(token.value)
        elif token.kind == "break":
            out.append("\n" if token.value in ("br", "li") else "\n\n")
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", "".join(out))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def normalized(text):
    return " ".join(text.split())


def units(html):
    """The top-level pieces of `html` (paragraphs, lists, headings, bare text) as HTML."""
    pieces, current, depth = [], [], 0

    def flush():
        if current:
            pieces.append("".join(current))
            current.clear()

    for token in tokenize(html):
        if token.kind == "open":
            if depth == 0 and token.value in BLOCK_TAGS:
                flush()
            depth += 1
            current.append(token.raw)
        elif token.kind == "close":
            depth -= 1
            current.append(f"</{token.value}>")
            if depth == 0 and token.value in BLOCK_TAGS:
                flush()
        elif token.kind == "text":
            current.append(escape(token.value))
        elif token.value in VOID_TAGS:
            current.append(f"<{token.value}>")
    flush()
    return [piece for piece in pieces if plain_text(piece) or "<hr" in piece]


def paragraph(text):
    return "<p>" + "<br>".join(escape(line.strip()) for line in text.splitlines() if line.strip()) + "</p>"


def html_merge(original, edited):
    """`original` HTML with the words of `edited` (its plain text, changed by a person) put in.

    Paragraphs left alone keep their HTML; a changed paragraph keeps its formatting around the words
    it kept; paragraphs added (or split, or merged) come in as plain paragraphs.
    """
    old_units = units(original)
    new_units = [piece for piece in re.split(r"\n\s*\n", edited.strip()) if piece.strip()]
    matcher = difflib.SequenceMatcher(
        None, [normalized(plain_text(u)) for u in old_units], [normalized(u) for u in new_units], False
    )
    out = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.extend(old_units[i1:i2])
        elif op == "replace" and i2 - i1 == j2 - j1:
            out.extend(
                merge_unit(old, new) for old, new in zip(old_units[i1:i2], new_units[j1:j2], strict=True)
            )
        elif op in ("replace", "insert"):
            out.extend(paragraph(piece) for piece in new_units[j1:j2])
    return sanitize_html("".join(out))


def merge_unit(html, edited):
    """One paragraph (or list) of HTML with its words replaced by those of `edited`, its tags kept."""
    tokens = tokenize(html)
    old_words = words(tokens)
    new_words = [Token("text", word) for word in WORDS.findall(edited)]
    kept, inserted = set(), {}
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, [w.key[0] for w in old_words], [w.key[0] for w in new_words], False
    ).get_opcodes():
        if op == "equal":
            kept.update(range(i1, i2))
        if op in ("insert", "replace"):
            inserted[i1] = "".join(" " if w.value.isspace() else escape(w.value) for w in new_words[j1:j2])
    out, index = [], 0
    for token in tokens:
        if token.kind == "open":
            out.append(token.raw)
            continue
        if token.kind == "close":
            out.append(f"</{token.value}>")
            continue
        if index == 0:
            out.append(inserted.pop(0, ""))
        if index in kept:
            out.append(escape(token.value) if token.kind == "text" else "")
            if token.kind == "break" and token.value in VOID_TAGS:
                out.append(f"<{token.value}>")
        index += 1
        out.append(inserted.pop(index, ""))
    out.extend(inserted.values())
    return "".join(out)
