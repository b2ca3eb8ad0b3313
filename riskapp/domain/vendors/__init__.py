"""The vendor register: risk tiers, review cadence, assurance reports and their CSV form."""
