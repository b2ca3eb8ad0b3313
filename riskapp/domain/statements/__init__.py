"""Control statements: rendering placeholders, the quality checks and the stated-cadence rule."""
