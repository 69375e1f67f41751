"""Admin for workshops (helper W): workshop drafts for review, registrations."""
