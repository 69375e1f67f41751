"""Views of the stories area: stories (`stories.views.stories`) and workshops."""
