"""The library as a networkx graph, and the questions that are graph questions."""
