"""Scoring extraction records against gold records, and the JSON contract both are written in."""
