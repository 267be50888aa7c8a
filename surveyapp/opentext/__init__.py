"""Open questions (开放题): phrase, word and category tables and the word cloud of one open variable."""
