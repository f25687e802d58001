"""Reading the database: named queries (sql/queries/), exports, the report (sql/report/), review pages (static/)."""
