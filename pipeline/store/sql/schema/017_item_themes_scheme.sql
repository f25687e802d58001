-- The theme scheme, for databases made before it (a new database has it from 010's CREATE TABLE):
-- their rows are all of the common evaluation schedule. Such a database keeps its primary key
-- without the scheme (DuckDB cannot change a key in place); it stays unique because the two schemes'
-- theme ids never coincide (outcome_1 ... enabler_3 against the schedule's; tests/test_national_framework.py).
ALTER TABLE item_themes ADD COLUMN IF NOT EXISTS scheme VARCHAR DEFAULT 'ces';
