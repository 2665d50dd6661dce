-- What each person chose for the pages: their language (NULL: as the browser asks) and the
-- IANA time zone times are shown in (NULL: UTC).

ALTER TABLE accounts ADD COLUMN language TEXT
  CHECK (language IS NULL OR language IN ('ar', 'zh', 'en', 'fr', 'ru', 'es'));
ALTER TABLE accounts ADD COLUMN time_zone TEXT;
