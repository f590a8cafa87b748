"""The map of ARCHITECTURE.md, enforced: an app imports another app only along an arrow of ARROWS.

Every module of every app (migrations aside) is parsed with `ast`, so an import inside a function
counts as much as one at the top. String references (INSTALLED_APPS, include("x.urls"), a foreign
key to "app.Model") are not imports and are not checked. tests/, scripts/ and deploy/ may import
anything; no app may import them.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The project package: settings, the root URLconf, WSGI and ASGI, and nothing else (no app, no domain).
PROJECT = "magazine"
PROJECT_FILES = {"__init__.py", "settings.py", "urls.py", "wsgi.py", "asgi.py"}

# Infrastructure: one job each, and no knowledge of the magazine. An infrastructure room imports only
# the infrastructure rooms of its row, never a domain app.
INFRASTRUCTURE = {
    "sitecache": set(),
    "richtext": set(),
    "images": set(),
    "guards": set(),
    "backups": set(),
    "ops": {"guards"},  # a request's client address comes from guards.ratelimit
    "desk": {"guards", "images"},  # the admin's sign-in lockout; image widgets
    "revisions": {
        "backups",
        "ops",
        "richtext",
        "sitecache",
    },  # exact JSON; the audit signal; the text diff; revisions cool nothing
}

# Each domain app and the apps it may import (its own modules always), beside every infrastructure
# room, which every domain app may import. Change it together with ARCHITECTURE.md.
DOMAIN = {
    "issues": set(),
    "outbox": {"issues"},
    "staff": {"issues"},
    "subscriptions": {"issues", "outbox", "staff"},
    "readers": {"issues", "outbox", "subscriptions"},
    "articles": {"issues", "readers"},
    "comments": {"issues", "articles", "outbox"},
    "approvals": {"issues", "articles", "outbox"},
    "reach": {"issues", "articles", "outbox"},
    "issuecodes": {"issues", "readers"},
    "printsubscribers": {"issues", "readers", "outbox"},
    "institutions": {"issues", "readers"},
}

ARROWS = {
    PROJECT: set(),  # only its wiring modules import anything of ours (WIRING)
    **INFRASTRUCTURE,
    **{app: targets | set(INFRASTRUCTURE) for app, targets in DOMAIN.items()},
}

# The modules that wire the whole site together: they may import every app.
WIRING = {"magazine/settings.py", "magazine/urls.py", "magazine/wsgi.py", "magazine/asgi.py"}

# Modules only the named modules of other apps may import. The access rule is asked by the paywall alone.
ASKED_ONLY_BY = {"readers.access": {"articles.paywall"}}

# Known crossings to remove, each (file, imported module): why it is still there. Listed in ARCHITECTURE.md.
KNOWN_CROSSINGS: dict[tuple[str, str], str] = {}


def app_modules():
    """(path relative to the root, app) of every module of every app, migrations left out."""
    for app in sorted(ARROWS):
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" not in relative:
                yield relative, app


def imported_names(tree):
    """(line, dotted name) of every absolute import in `tree`; `from a import b` gives "a.b"."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def module_name(relative):
    return relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def crossings():
    """(file, line, imported name, what is wrong) of every import that breaks the map."""
    project = set(ARROWS) | {"tests", "scripts", "deploy", "manage"}
    for relative, app in app_modules():
        tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"), filename=relative)
        for line, name in imported_names(tree):
            parts = name.split(".")
            target = parts[0]
            if target not in project or target == app or relative in WIRING:
                continue
            if target not in ARROWS[app]:
                allowed = ", ".join(sorted(ARROWS[app])) or "no other app"
                yield relative, line, name, f"no arrow {app} -> {target} ({app} may import {allowed})"
            elif len(parts) > 1 and parts[1] == "views":
                yield relative, line, name, f"{app} imports the views of {target}, which are no app's API"
            for module, askers in ASKED_ONLY_BY.items():
                if (name == module or name.startswith(module + ".")) and module_name(relative) not in askers:
                    yield relative, line, name, f"{module} is asked only by {', '.join(sorted(askers))}"


def test_every_app_is_on_the_map():
    packages = {path.parent.name for path in ROOT.glob("*/__init__.py")} - {"tests", "scripts", "deploy"}
    assert packages == set(ARROWS), "add the new app or package to ARROWS here and to ARCHITECTURE.md"


def test_the_project_package_holds_the_wiring_only():
    files = {path.relative_to(ROOT / PROJECT).as_posix() for path in (ROOT / PROJECT).rglob("*.py")}
    assert files <= PROJECT_FILES, f"{PROJECT}/ holds settings, URLs and WSGI only: {files - PROJECT_FILES}"
    assert not (ROOT / PROJECT / "apps.py").exists()


def test_infrastructure_imports_no_domain_app():
    leaks = {room: targets - set(INFRASTRUCTURE) for room, targets in INFRASTRUCTURE.items()}
    assert not any(leaks.values()), f"infrastructure rooms may import infrastructure only: {leaks}"


def test_every_room_says_what_it_owns():
    """Each room has a module docstring (its __init__.py or, for an app, its apps.py)."""
    silent = []
    for room in ARROWS:
        docstrings = [
            ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
            for path in (ROOT / room / "__init__.py", ROOT / room / "apps.py")
            if path.exists()
        ]
        if not any(docstrings):
            silent.append(room)
    assert not silent, f"rooms without a docstring saying what they own: {silent}"


def test_the_arrows_never_lead_back():
    def reachable(app, seen):
        for target in ARROWS[app] - seen:
            seen.add(target)
            reachable(target, seen)
        return seen

    cycles = [app for app in ARROWS if app in reachable(app, set())]
    assert not cycles, f"these apps can reach themselves through ARROWS: {cycles}"


def test_every_import_between_apps_follows_an_arrow():
    found = [c for c in crossings() if (c[0], c[2]) not in KNOWN_CROSSINGS]
    report = "\n".join(f"{path}:{line}: imports {name}: {problem}" for path, line, name, problem in found)
    assert not found, f"imports that cross the map of ARCHITECTURE.md:\n{report}"


def test_every_known_crossing_is_still_there():
    """A crossing that is gone must leave KNOWN_CROSSINGS (and ARCHITECTURE.md) too."""
    present = {(path, name) for path, _, name, _ in crossings()}
    gone = [crossing for crossing in KNOWN_CROSSINGS if crossing not in present]
    assert not gone, f"fixed crossings still listed in KNOWN_CROSSINGS: {gone}"
