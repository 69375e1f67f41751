"""Reads for the site-wide pages."""


def home_overview() -> dict:
    return {}
