"""Everything around the extractors, one subpackage per concern: run an ingest, store, analyse, evaluate.

- run/: an ingest: discover files, parse them in guarded worker processes, load the rows (plain
  functions, and the Prefect flow over them);
- store/: the DuckDB database: its tables and views (store/sql/), rows from records, transactions,
  area lineage, the reference tables;
- analysis/: what is read out of the database: named queries, exports, the report, review pages;
- evaluation/: scoring records against gold records, and the JSON contract they share.

cli.py is the `inspections` command over all four; errors.py (coded errors) and signals.py (holding
Ctrl-C back) serve all of them. Imports run downwards only: the layers are listed, and checked, in
tests/test_import_graph.py.
"""
