"""Evidence: what to collect over the period and how much of it."""
