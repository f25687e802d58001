"""Running an ingest: discover, hash, plan, parse in worker processes, load; plain functions and the Prefect flow."""
