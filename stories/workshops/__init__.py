"""Story workshops: dated sessions where members tell stories from prompt cards.

The sub-domain keeps everything of its own here: models (`WorkshopIndexPage`, `WorkshopPage`,
`WorkshopRegistration`, `StoryDraft`; app label `stories`, imported by `stories.models`),
services (registration with a waiting list, the capture session, draft review), selectors,
views (the workshop page's routes), forms, the admin's draft review, the search document,
the iCalendar file, factories and the demo. Who may do what is in `stories.permissions`.
"""
