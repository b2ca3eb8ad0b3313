"""Use cases shared by the web views and the CLI; they commit or roll back."""
