"""The Type 2 period: occurrences, populations, sample sizes, reproducible draws, evidence."""
