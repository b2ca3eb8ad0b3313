"""Plotly figure builders: domain data in, figure JSON out (no Flask)."""
