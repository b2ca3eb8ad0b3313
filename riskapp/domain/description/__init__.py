"""The system description (DC 200): nine sections drafted from an organisation's own data."""
