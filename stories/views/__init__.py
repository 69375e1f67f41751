"""Views of stories (`stories.views.stories`); the workshops' are in `stories.workshops.views`."""
