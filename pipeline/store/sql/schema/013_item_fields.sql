-- Columns added after the first release, for databases made before them (a new database has them
-- from its CREATE TABLE): the kind of an area, its national framework tag and responsible body.
ALTER TABLE areas_for_improvement ADD COLUMN IF NOT EXISTS kind VARCHAR;
ALTER TABLE areas_for_improvement ADD COLUMN IF NOT EXISTS framework_tag VARCHAR;
ALTER TABLE areas_for_improvement ADD COLUMN IF NOT EXISTS responsible_body VARCHAR;
ALTER TABLE recommendations ADD COLUMN IF NOT EXISTS framework_tag VARCHAR;
