"""Readable Latin slugs for titles in any of the magazine's scripts."""

from django.utils.text import slugify

# Russian and Uzbek Cyrillic to Latin, close to the Uzbek Latin alphabet readers know.
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    "ў": "o", "қ": "q", "ғ": "g", "ҳ": "h",
}  # fmt: skip
APOSTROPHES = str.maketrans("", "", "'’‘ʻʼ`")


def transliterate(text):
    out = []
    for char in text:
        latin = CYRILLIC.get(char.lower())
        if latin is None:
            out.append(char)
        else:
            out.append(latin.capitalize() if char.isupper() and latin else latin)
    return "".join(out)


def slug_for(text, *, max_length=80):
    """An ASCII slug: 'Xavfsizlik va hamkorlik' → 'xavfsizlik-va-hamkorlik'; Cyrillic is transliterated."""
    slug = slugify(transliterate(text).translate(APOSTROPHES))[:max_length].strip("-")
    return slug or "untitled"


def unique_slug(text, queryset, *, max_length=80, also=()):
    """`slug_for(text)`, with -2, -3… appended until no row of `queryset` (nor of the querysets in
    `also`, such as slugs kept for redirects) has it."""
    base = slug_for(text, max_length=max_length - 4)
    candidate, n = base, 2
    while any(taken.filter(slug=candidate).exists() for taken in (queryset, *also)):
        candidate, n = f"{base}-{n}", n + 1
    return candidate
