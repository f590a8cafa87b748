"""Site search, one job per module.

- `words`: what a reader's query becomes (cleaned, cut to length, split into words) and the
  one-line form of any indexed text.
- `index`: what is indexed for each article (`search_document`) and keeping it up to date
  (`search_index_update`, `search_index_rebuild`).
- `query`: finding and ranking the matches, for each database engine (`search_articles`).
- `snippets`: the highlighted, escaped snippet HTML of one result.

Two texts are indexed: what anyone may read before an embargo ends (the public excerpt,
`paywall.excerpt_blocks`), and, for a print-first article, its whole text. The query matches the
whole text only of articles the paywall calls open at the time of the query (`paywall.opened_q`),
and snippets quote only that text: hidden text can be neither found nor quoted before the article
opens, and is found from the moment it does, with no reindexing. PostgreSQL matches stored,
GIN-indexed tsvectors with websearch syntax; SQLite (development) ANDs the query's words over the
texts.

Importers use the modules themselves (`from articles.search.index import search_index_update`);
this package re-exports nothing.
"""
