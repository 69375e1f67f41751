"""Writes of stories (`stories.services.stories`); the workshops' are in
`stories.workshops.services`."""
