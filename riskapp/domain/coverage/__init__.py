"""Coverage of criteria, the closing set and the set-cover solver behind it."""
