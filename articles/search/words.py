"""Words: what a reader's query becomes (cleaned, cut to length, split into words), and the one-line
form every indexed text is stored in (no control characters, so snippets' markers cannot occur)."""

import re

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def one_line(text):
    """`text` without control characters, its white space collapsed."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text or "").split())


def clean_query(raw):
    """(query, was_truncated): `raw` without control characters or extra spaces, at most 200 characters."""
    query = " ".join(CONTROL_CHARACTERS.sub(" ", raw or "").split())
    if len(query) <= MAX_QUERY_LENGTH:
        return query, False
    return query[:MAX_QUERY_LENGTH].rstrip(), True


def query_terms(query):
    """The distinct words of `query`, lower-cased (the SQLite fallback and the Python snippets)."""
    return list(dict.fromkeys(word.lower() for word in re.findall(r"\w+", query or "")))[:MAX_TERMS]
