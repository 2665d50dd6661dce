-- Addresses of the entries that exist before this migration (later versions fill the table
-- through DirectoryStore::insert_version).
INSERT OR IGNORE INTO contact_addresses (address_key, entry_id)
  SELECT lower(trim(json_extract(v.contact, '$.' || f.field))), e.id
  FROM entries e
  JOIN entry_versions v ON v.entry_id = e.id AND v.version = e.latest_version
  CROSS JOIN (SELECT 'functional_email' AS field UNION ALL SELECT 'personal_email') f
  WHERE v.status = 'active' AND coalesce(json_extract(v.contact, '$.' || f.field), '') <> '';
