"""The ways in offered to a reader without access under an excerpt (the paywall note).

An app that opens print-first articles another way (activating a print subscription, a code from
the issue) registers a template from its AppConfig.ready(); the note includes each, in `order`,
after "where to buy the issue". The note is a shared fragment (the same for every reader in the
same state), so these templates show links and forms, never anything of one reader; they get
`article` and `sign_in_next` (this article's path) in their context.
"""

_ways = []


def register_way_in(template_name, *, order=100):
    if template_name not in {name for _, name in _ways}:
        _ways.append((order, template_name))


def ways_in():
    return [name for _, name in sorted(_ways)]
