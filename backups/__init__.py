"""Backups: one archive holding the database (natural-key JSON) and every media file
(`backups.archive`, commands `backup` and `restore`), and the exact JSON encoding it and revisions
use (`backups.exact_json`)."""
