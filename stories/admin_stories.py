"""Admin for stories (helper S): ambassador permissions, the review workflow switch."""
