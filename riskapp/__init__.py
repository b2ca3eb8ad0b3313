"""riskapp: a risk-based control-library builder for security compliance.

This package module stays free of Flask so that `riskapp.domain` loads for the
CLI, the benchmarks and the tests without the web stack; the application
factory lives in `riskapp.app`.
"""

__version__ = "0.1.0"
