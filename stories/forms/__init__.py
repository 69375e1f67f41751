"""Forms of stories (`stories.forms.stories`); the workshops' are `stories.workshops.forms`."""
