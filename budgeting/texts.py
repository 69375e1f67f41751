"""A process's or project's texts in the reader's language: its translation, or the original.

Organisers give a process (and may give a project) in the site's other languages as translation
rows (`ProcessTranslation`, `ProjectTranslation`). Every public PB page shows each text in the
reader's language when a translation has it; otherwise the original, which the template marks
with the language it is written in (`lang="{{ text.lang }}"` and `{% written_in text.language %}`).
A field a translation leaves empty falls back to the original on its own, with its own language.

`TranslatedTextsMixin.text` is what templates read (`{{ process.text.title }}`); selectors
prefetch `translations` so that a listing reads every row's texts without a query per row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation

from portal.languages import site_languages, text_language


@dataclass(frozen=True)
class ShownText:
    """One text as a reader sees it, with the language it is written in ("" when not known).

    Renders as the text itself (`{{ process.text.title }}`, and through string filters such as
    `linebreaks` or `truncatewords`); false when empty, so `{% if process.text.summary %}` works.
    """

    value: str
    language: str

    def __str__(self) -> str:
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value)

    @property
    def lang(self) -> str:
        """The `lang` attribute the text needs: its language when the reader reads the site in
        another one, else ""."""
        return text_language(self.language)


def reader_language(language: str | None = None) -> str:
    """`language`, or the language the site is being read in, as a bare site language code."""
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in site_languages() else settings.LANGUAGE_CODE


def texts_choose(
    original: Any, translations: Iterable[Any], fields: tuple[str, ...], language: str
) -> dict[str, ShownText]:
    """Each of `fields` of `original` in `language`: the translation's value where it has one,
    the original's (in `original.written_in`) otherwise."""
    source = original.written_in
    chosen = None
    if language != source:
        chosen = next((each for each in translations if each.language == language), None)
    texts = {}
    for name in fields:
        value = getattr(chosen, name, "") if chosen is not None else ""
        if value:
            texts[name] = ShownText(value, language)
        else:
            texts[name] = ShownText(getattr(original, name) or "", source)
    return texts


class TranslatedTextsMixin:
    """For a model with `written_in`, the texts named by `translated_fields` and a `translations`
    relation whose rows have `language` and the same fields."""

    translated_fields: tuple[str, ...] = ()

    def text_in(self, language: str | None = None) -> dict[str, ShownText]:
        """The object's texts in `language` (the reader's by default), each a `ShownText`.

        Read once per object and language: the translations come from `translations.all()`,
        which a selector's `prefetch_related("translations")` has usually filled already.
        """
        language = reader_language(language)
        cache = self.__dict__.setdefault("_texts_by_language", {})
        if language not in cache:
            translations = self.translations.all() if self.pk else []  # type: ignore[attr-defined]
            cache[language] = texts_choose(self, translations, self.translated_fields, language)
        return cache[language]

    @property
    def text(self) -> dict[str, ShownText]:
        """The object's texts in the language the page is being read in."""
        return self.text_in()

    def texts_forget(self) -> None:
        """Forget the texts read so far (after a translation of this object changed)."""
        self.__dict__.pop("_texts_by_language", None)
