"""The one layer that knows both the ORM and the domain: queries and mapping."""
