"""Domain model: plain business objects."""
