class IssueNumbersConverter:
    """'3' or '1-2': anything else is a 404 before a view runs."""

    regex = r"\d{1,2}(?:-\d{1,2})?"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class UnicodeSlugConverter:
    """A slug in any alphabet ("water", "энергетика"), as taggit makes them: anything else is a 404.

    `str` would also pass control characters on to the query, and PostgreSQL refuses a NUL with an error.
    """

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
