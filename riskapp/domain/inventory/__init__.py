"""The organisation's system inventory: kinds, classifications, placeholder roles, CSV files."""
