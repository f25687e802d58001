"""The database: schema and views (sql/), records flattened to rows, transactions, lineage, reference tables."""
