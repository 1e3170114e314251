"""The demo: two creditors with a year of history, built by running Fordra itself (`seed_demo`)."""
