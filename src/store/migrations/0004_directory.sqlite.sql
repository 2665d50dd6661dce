-- Full-text search over the published versions: an FTS5 index whose content is
-- nominations.search_words. The words are folded and segmented by ICU before they get here, so the
-- tokenizer only splits on the spaces between them. The store keeps the index in step itself
-- (store/directory_store.cpp): triggers writing to a virtual table are refused under
-- trusted_schema=OFF, which Liaison sets.
-- Every query word is a prefix. FTS5 answers a prefix of a length listed in `prefix` from an
-- index of its own, row by row, so that LIMIT stops early; any other prefix makes it merge the
-- lists of every word starting with it first. That costs little for most prefixes, but for a
-- single letter it is most of the index: "m" took 75 ms at 1,000,000 entries without the
-- one-letter index, under 1 ms with it (bench/directory.sh).
CREATE VIRTUAL TABLE nomination_search USING fts5(
  search_words, content = 'nominations', content_rowid = 'search_id',
  tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3');
