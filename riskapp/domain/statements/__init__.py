"""Control statements: rendering placeholders and the statement-quality checks."""
