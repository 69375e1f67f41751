"""Forms of the stories area."""
