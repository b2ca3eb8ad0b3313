"""The domain: plain Python and networkx, no Flask and no database."""
