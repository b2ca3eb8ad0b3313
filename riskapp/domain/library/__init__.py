"""The library: its typed model, the YAML loader, integrity rules and the networkx graph."""
