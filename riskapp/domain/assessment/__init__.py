"""An assessment: its data, scoring, applicability, suggestions and the guided-path rules."""
