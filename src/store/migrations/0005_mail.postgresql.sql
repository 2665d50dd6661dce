-- Addresses of the entries that exist before this migration (later versions fill the table
-- through DirectoryStore::insert_version).
INSERT INTO contact_addresses (address_key, entry_id)
  SELECT DISTINCT lower(trim(v.contact::json ->> f.field)), e.id
  FROM entries e
  JOIN entry_versions v ON v.entry_id = e.id AND v.version = e.latest_version
  CROSS JOIN (VALUES ('functional_email'), ('personal_email')) AS f (field)
  WHERE v.status = 'active' AND coalesce(v.contact::json ->> f.field, '') <> ''
ON CONFLICT DO NOTHING;
