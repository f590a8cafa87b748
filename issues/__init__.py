"""The magazine's own domain: issues, sections, events, contacts and the site's settings rows; the home
and issue pages, the sidebar, the issue-number converter, the site's conventions for days, slugs and
pagination.

Its app label is still "magazine" (issues/apps.py says why)."""
