"""Accounts: names and emails, passwords, roles and throttling."""
