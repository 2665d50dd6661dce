-- Full-text search over the published versions. The words are folded and segmented by ICU
-- before they get here, so the 'simple' configuration (no stemming, no stop words) fits.
CREATE INDEX nominations_search ON nominations USING GIN (to_tsvector('simple', search_words));
-- search_id only has to be unique; SQLite's FTS5 index uses it as its rowid.
CREATE SEQUENCE nomination_search_ids;
