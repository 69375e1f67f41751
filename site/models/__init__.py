from portal.models.navigation import NavigationSettings, SiteSettings
from portal.models.outgoing_mail import OutgoingMail
from portal.models.pages import HomePage, StandardPage
from portal.models.taxonomy import (
    SDG,
    Country,
    GovernmentLevel,
    InnovationType,
    Method,
    OrganisationType,
    Stage,
    Theme,
)

__all__ = [
    "SDG",
    "Country",
    "GovernmentLevel",
    "HomePage",
    "InnovationType",
    "Method",
    "NavigationSettings",
    "OutgoingMail",
    "OrganisationType",
    "SiteSettings",
    "Stage",
    "StandardPage",
    "Theme",
]
