"""The interface catalogues: every message translated into Finnish and Swedish, placeholders kept,
the compiled files current, and nothing in the code that the catalogues do not hold."""

import os
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

import polib
import pytest

LANGUAGES = ("fi", "sv")
LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdfr]|%[sdf]|\{[a-z_0-9]*\}")
TAG = re.compile(r"</?([a-z][a-z0-9]*)\b")
# where the interface's messages are (what `make messages` walks, less the tools around it)
SOURCE_FOLDERS = (
    "site",
    "cases",
    "toolkit",
    "network",
    "stories",
    "budgeting",
    "search",
    "templates",
)


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language):
    po = catalogue(language)

    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]

    assert not untranslated, f"{len(untranslated)} without a translation: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} marked fuzzy (to be checked): {fuzzy[:10]}"
    assert po.percent_translated() == 100


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder_and_tag(language):
    wrong = []
    for entry in catalogue(language).translated_entries():
        sources = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
        wanted = sorted(set(PLACEHOLDER.findall(" ".join(sources))))
        tags = sorted(TAG.findall(entry.msgid))
        for text in translations(entry):
            # a singular may write "one" for %(count)s; it must not invent or lose any other
            found = sorted(set(PLACEHOLDER.findall(text)))
            if entry.msgid_plural:
                if not set(found) <= set(wanted):
                    wrong.append((entry.msgid, text))
            elif found != wanted:
                wrong.append((entry.msgid, text))
            if sorted(TAG.findall(text)) != tags:
                wrong.append((entry.msgid, text))
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language):
    source = {
        (entry.msgctxt, entry.msgid): translations(entry)
        for entry in catalogue(language).translated_entries()
    }
    compiled = polib.mofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.mo"))
    in_mo = {(entry.msgctxt, entry.msgid): translations(entry) for entry in compiled if entry.msgid}

    assert in_mo == source, "run `make messages` to compile the catalogues again"


@pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("CI"),
    reason="needs GNU gettext (xgettext): apt install gettext",
)
def test_the_catalogues_hold_every_message_of_the_code(tmp_path):
    """What `makemessages` finds in the code today is all in the committed catalogues."""
    # makemessages writes beside the sources it walks: give it links to them in a folder of
    # its own, so that the committed catalogues are only read
    project = tmp_path / "project"
    project.mkdir()
    for name in SOURCE_FOLDERS:
        (project / name).symlink_to(Path(settings.BASE_DIR) / name)
    here = os.getcwd()
    os.chdir(project)
    try:
        with override_settings(LOCALE_PATHS=[tmp_path / "locale"]):
            call_command(
                "makemessages",
                locale=["fi"],
                symlinks=True,
                ignore_patterns=["tests", "*/tests/*", "static"],
                verbosity=0,
            )
    finally:
        os.chdir(here)
    fresh = polib.pofile(str(tmp_path / "locale" / "fi" / "LC_MESSAGES" / "django.po"))
    committed = {(entry.msgctxt, entry.msgid) for entry in catalogue("fi")}
    assert len(fresh) > 2000, "makemessages found too little: did it walk the sources?"

    missing = [
        (entry.msgctxt, entry.msgid)
        for entry in fresh
        if (entry.msgctxt, entry.msgid) not in committed
    ]
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
