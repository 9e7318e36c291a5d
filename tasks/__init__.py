"""newslake stages: plain functions per stage plus thin Prefect task wrappers."""
