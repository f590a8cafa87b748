"""Articles and their blocks, people, tags, the publication rule, the paywall, embargo, search, feeds
and sitemaps."""
