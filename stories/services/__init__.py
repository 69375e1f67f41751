"""Writes of the stories area: stories (`stories.services.stories`) and workshops
(`stories.services.workshops`)."""
