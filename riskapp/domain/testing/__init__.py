"""Testing the period: computed checks, results, conclusions, readiness and requests."""
