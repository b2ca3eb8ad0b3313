"""Use cases shared by the web views and the CLI.

They only flush: the request boundary (`web/transactions.py`) and each CLI
command (`cli.py`) commit once or roll back once.
"""
