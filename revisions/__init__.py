"""Revisions: saved states of an issue, event or article (snapshots and restore), their diff display,
the admin's history pages and the autosaves written while an editor types."""
