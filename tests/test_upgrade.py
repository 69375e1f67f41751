"""An existing database upgrades with `migrate` and loses nothing.

The test migrates its database back to the schema of the previous release, fills every table of
the project's apps through the historical models of that release (pages included), migrates to
the latest schema and compares every row, column by column. Free text longer than the limits that
came after that release (portal.text_limits) is kept in full: the upgrade neither truncates nor
refuses it, and the next edit asks for a shorter text (full_clean() refuses it), so nothing is
lost silently.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState, StateApps

from wagtail.fields import RichTextField, StreamField

import pytest

from portal.text_limits import SanitisedHTMLField

PROJECT_APPS = ("portal", "cases", "toolkit", "network", "stories", "budgeting", "search")

# The leaf migration of every app at the previous release, commit a744eb4, read from git when
# this test was written (`git ls-tree -r --name-only a744eb4 | grep migrations/0` for the
# project's apps; the third-party apps' versions in pyproject.toml have not changed since).
# An app that is not listed did not exist then and is removed.
PREVIOUS_RELEASE = [
    ("portal", "0003_body_process_block"),
    ("cases", "0004_body_process_block"),
    ("toolkit", "0004_resourcebookmark"),
    ("network", "0002_audit_roles"),
    ("stories", "0003_story_ordered_links"),
    ("budgeting", "0003_milestone_description"),
    ("search", "0005_search_vector_stored_inline"),
    ("account", "0009_emailaddress_unique_primary_email"),
    ("admin", "0003_logentry_add_action_flag_choices"),
    ("auth", "0012_alter_user_first_name_max_length"),
    ("contenttypes", "0002_remove_content_type_name"),
    ("mfa", "0003_authenticator_type_uniq"),
    ("sessions", "0001_initial"),
    ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ("wagtailadmin", "0006_formstate"),
    ("wagtailcore", "0098_apitoken"),
    # came with the languages, but its first migration runs before a Wagtail one that the
    # previous release had (`run_before`), so it is treated as present: its tables hold no
    # project data
    ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ("wagtaildocs", "0014_alter_document_file_size"),
    ("wagtailembeds", "0009_embed_cache_until"),
    ("wagtailforms", "0005_alter_formsubmission_form_data"),
    ("wagtailimages", "0027_image_description"),
    ("wagtailredirects", "0008_add_verbose_name_plural"),
    ("wagtailsearch", "0010_add_text_fields"),
    ("wagtailusers", "0015_userprofile_keyboard_shortcuts"),
]

# Characters beyond a field's new limit in the text written before the upgrade
OVER_THE_LIMIT = 25
# Free text of a field that has no limit in the latest schema either
UNLIMITED_TEXT = 3_000
WHEN = datetime.datetime(2026, 5, 4, 12, 30, tzinfo=datetime.UTC)


def _drop_apps_added_since(executor: MigrationExecutor) -> None:
    """Remove the apps that did not exist at the previous release, as if never installed:
    their tables go and their migrations count as unapplied (some, such as django-tasks-db's,
    cannot be unapplied one by one)."""
    known = {app for app, _name in PREVIOUS_RELEASE}
    added = {app for app, _name in executor.loader.graph.leaf_nodes()} - known
    if not added:
        return
    apps = executor.loader.project_state().apps
    with connection.schema_editor() as editor:
        for model in apps.get_models():
            if model._meta.app_label in added and model._meta.managed:
                editor.delete_model(model)
    for app, name in list(executor.loader.applied_migrations):
        if app in added:
            executor.recorder.record_unapplied(app, name)
    executor.loader.build_graph()


def _migrate_back(executor: MigrationExecutor, targets: list[tuple[str, str]]) -> None:
    """Unapply what came after the targets, as `executor.migrate(targets)` would.

    Django computes the state before each migration it unapplies by replaying every migration of
    the project (Wagtail's included) on rendered models, which takes over a minute; the state
    before a migration only needs its ancestors, so this replays those alone and renders once.
    """
    plan = executor.migration_plan(targets)
    assert all(backwards for _migration, backwards in plan)
    to_unapply = {migration for migration, _backwards in plan}
    ancestors_first = executor.migration_plan(
        sorted((migration.app_label, migration.name) for migration in to_unapply),
        clean_start=True,
    )
    state = ProjectState(real_apps=executor.loader.unmigrated_apps)
    for migration, _forwards in ancestors_first:
        if migration not in to_unapply:
            migration.mutate_state(state, preserve=False)
    # none of the others depends on one of these: they are unapplied with their descendants
    state.apps  # noqa: B018 (rendered once, then kept up to date by each migration)
    states = {}
    for migration, _forwards in ancestors_first:
        if migration in to_unapply:
            states[migration] = state
            state = migration.mutate_state(state, preserve=True)
    for migration, _backwards in plan:
        executor.unapply_migration(states[migration], migration)


def _latest_fields_by_column(apps: StateApps) -> dict[tuple[str, str], models.Field]:
    return {
        (model._meta.db_table, field.column): field
        for model in apps.get_models()
        for field in model._meta.local_concrete_fields
    }


class _Filler:
    """Builds one row of each model through the historical models, every column given a value
    (text at its length limit, or over the limit it gets later)."""

    def __init__(self, apps: StateApps, latest: dict[tuple[str, str], models.Field]):
        self.apps = apps
        self.latest = latest
        self.made: dict[str, models.Model] = {}
        self.building: set[str] = set()
        self.counter = 0
        self.over_long: list[tuple[str, str, object, str]] = []  # table, column, pk, text

    def model(self, label: str) -> type[models.Model]:
        return self.apps.get_model(label)

    def unique_word(self, length: int) -> str:
        self.counter += 1
        number, word = self.counter, ""
        while number:
            number, digit = divmod(number, 26)
            word += "abcdefghijklmnopqrstuvwxyz"[digit]
        return (word + "x" * length)[:length]

    def unique_number(self) -> int:
        self.counter += 1
        return self.counter

    # shared rows of the frameworks' apps

    def root_page(self) -> models.Model:
        page_model = self.model("wagtailcore.Page")
        root = page_model.objects.filter(depth=1).first()
        return root or self.page(page_model, parent=None, title="Root")

    def locale(self) -> models.Model:
        locale, _ = self.model("wagtailcore.Locale").objects.get_or_create(language_code="en")
        return locale

    def collection(self) -> models.Model:
        collection_model = self.model("wagtailcore.Collection")
        root = collection_model.objects.filter(depth=1).first()
        return root or collection_model.objects.create(
            name="Root", path="0001", depth=1, numchild=0
        )

    def user(self) -> models.Model:
        word = self.unique_word(12)
        return self.model("auth.User").objects.create(
            username=f"{word}@example.org", email=f"{word}@example.org", password="!"
        )

    def page(self, model: type[models.Model], *, parent, title: str, **values) -> models.Model:
        content_type, _ = self.model("contenttypes.ContentType").objects.get_or_create(
            app_label=model._meta.app_label, model=model._meta.model_name
        )
        slug = self.unique_word(30)
        # a step of treebeard's path no page of the test database has
        step = f"Z{self.unique_number():03d}"
        path, depth = (step, 1) if parent is None else (parent.path + step, parent.depth + 1)
        return model.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=content_type,
            path=path,
            depth=depth,
            numchild=0,
            url_path=f"/{slug}/",
            locale=self.locale(),
            **values,
        )

    # one row per model

    def instance(self, label: str) -> models.Model:
        if label not in self.made:
            self.made[label] = self.build(label)
        return self.made[label]

    def build(self, label: str, **overrides) -> models.Model:
        special = {
            "auth.User": self.user,
            "wagtailcore.Page": self.root_page,
            "wagtailcore.Locale": self.locale,
            "wagtailcore.Collection": self.collection,
        }
        if label in special and not overrides:
            return special[label]()
        model = self.model(label)
        self.building.add(label)
        values = {
            field.name: self.value(model, field)
            for field in model._meta.local_concrete_fields
            if field.name not in overrides and self.fills(model, field)
        }
        values.update(overrides)
        self.building.discard(label)
        if _is_page(model):
            instance = self.page(model, parent=self.root_page(), title=label, **values)
        else:
            instance = model.objects.create(**values)
        self.remember_over_long(model, instance)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                through.objects.create(
                    **{
                        field.m2m_field_name(): instance,
                        field.m2m_reverse_field_name(): self.instance(
                            field.related_model._meta.label
                        ),
                    }
                )
        return instance

    def fills(self, model: type[models.Model], field: models.Field) -> bool:
        if field.primary_key and field.auto_created or getattr(field, "generated", False):
            return False
        if field.is_relation and field.remote_field.parent_link:
            return False
        if field.is_relation and field.null:
            # the project's optional links are filled; the frameworks' stay empty
            target = field.related_model._meta
            return target.app_label in PROJECT_APPS and target.label not in self.building
        return True

    def value(self, model: type[models.Model], field: models.Field) -> object:
        if field.is_relation:
            return self.instance(field.related_model._meta.label)
        if field.choices:
            return field.choices[-1][0]
        latest = self.latest.get((model._meta.db_table, field.column))
        if isinstance(field, StreamField):
            return self.stream(field)
        if isinstance(field, models.TextField):
            limit = latest.max_length if latest is not None else None
            length = limit + OVER_THE_LIMIT if limit else UNLIMITED_TEXT
            if isinstance(latest, RichTextField | SanitisedHTMLField) or isinstance(
                field, RichTextField
            ):
                return "<p>" + "w" * length + "</p>"
            return "p" * length
        return self.scalar(field)

    def scalar(self, field: models.Field) -> object:
        match field:
            case models.EmailField():
                return f"{self.unique_word(12)}@example.org"
            case models.URLField():
                return "https://example.org/" + self.unique_word(min(field.max_length, 200) - 20)
            case models.GenericIPAddressField():
                return "192.0.2.1"
            case models.FileField():
                return f"upgrade/{self.unique_word(20)}.png"
            case models.CharField():
                return self.unique_word(field.max_length or 200)
            case models.BooleanField():
                return not field.default if isinstance(field.default, bool) else True
            case models.DecimalField():
                return decimal.Decimal(1).quantize(decimal.Decimal(1).scaleb(-field.decimal_places))
            case models.IntegerField() | models.FloatField():
                return self.unique_number() if field.unique else 1
            case models.DateTimeField():
                return WHEN
            case models.DateField():
                return WHEN.date()
            case models.TimeField():
                return WHEN.time()
            case models.DurationField():
                return datetime.timedelta(hours=1)
            case models.UUIDField():
                return uuid.uuid4()
            case models.JSONField():
                return {"kept": ["through", "the upgrade"]}
            case models.BinaryField():
                return b"kept"
        raise NotImplementedError(f"no value for {field!r}: teach the upgrade test this field")

    def stream(self, field: StreamField) -> list[dict]:
        if "paragraph" not in field.stream_block.child_blocks:
            return []
        return [{"type": "paragraph", "value": "<p>Kept through the upgrade.</p>"}]

    def remember_over_long(self, model: type[models.Model], instance: models.Model) -> None:
        for field in model._meta.local_concrete_fields:
            latest = self.latest.get((model._meta.db_table, field.column))
            limit = latest.max_length if latest is not None else None
            value = getattr(instance, field.attname)
            if isinstance(field, models.TextField) and limit and len(value) > limit:
                self.over_long.append((model._meta.db_table, field.column, instance.pk, value))


def _is_page(model: type[models.Model]) -> bool:
    return any(parent._meta.label == "wagtailcore.Page" for parent in model._meta.get_parent_list())


def _fill_previous_release(apps: StateApps, filler: _Filler) -> None:
    # a ballot is cast either by an account or with a voting code
    filler.made["budgeting.Ballot"] = filler.build("budgeting.Ballot", voting_code=None)
    filler.build("budgeting.Ballot", voter=None)
    for model in apps.get_models():
        if model._meta.app_label in PROJECT_APPS:
            filler.instance(model._meta.label)


def _tables(apps: StateApps) -> Iterator[tuple[str, str]]:
    seen = set()
    for model in apps.get_models(include_auto_created=True):
        if model._meta.db_table not in seen and model._meta.managed and not model._meta.proxy:
            seen.add(model._meta.db_table)
            yield model._meta.db_table, model._meta.pk.column


def _snapshot(apps: StateApps) -> dict[str, dict[object, dict[str, object]]]:
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for table, pk in _tables(apps):
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608 (names from the models)
            columns = [column[0] for column in cursor.description]
            rows[table] = {
                record[columns.index(pk)]: dict(zip(columns, record, strict=True))
                for record in cursor.fetchall()
            }
    return rows


def _lost(before: dict, after: dict) -> list[str]:
    lost = []
    for table, rows in before.items():
        if table not in after:
            lost.append(f"table {table} is gone ({len(rows)} rows)")
            continue
        for pk, row in rows.items():
            now = after[table].get(pk)
            if now is None:
                lost.append(f"{table} row {pk} is gone")
                continue
            lost.extend(
                f"{table} row {pk}: {column} was {value!r:.80}, is {now.get(column, 'gone')!r:.80}"
                for column, value in row.items()
                if now.get(column, "gone") != value
            )
    return lost


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_previous_release_upgrades_without_losing_a_row_or_a_character():
    executor = MigrationExecutor(connection)
    latest_nodes = executor.loader.graph.leaf_nodes()
    latest = _latest_fields_by_column(executor.loader.project_state().apps)
    try:
        _drop_apps_added_since(executor)
        _migrate_back(executor, PREVIOUS_RELEASE)
        previous = executor.loader.project_state(PREVIOUS_RELEASE).apps
        filler = _Filler(previous, latest)
        _fill_previous_release(previous, filler)
        before = _snapshot(previous)

        MigrationExecutor(connection).migrate(latest_nodes)
        after = _snapshot(executor.loader.project_state().apps)
    finally:
        # the next tests need the latest schema whatever happened here
        MigrationExecutor(connection).migrate(latest_nodes)

    filled = {table for table, rows in before.items() if rows}
    project_tables = {
        model._meta.db_table
        for model in previous.get_models(include_auto_created=True)
        if model._meta.app_label in PROJECT_APPS
    }
    assert project_tables <= filled, f"tables left empty: {sorted(project_tables - filled)}"
    assert _lost(before, after) == []

    # text over a limit that came after the release is kept in full, and the next edit asks
    # for a shorter one instead of cutting it
    assert filler.over_long, "no field of the previous release got a limit since"
    for table, column, pk, text in filler.over_long:
        assert after[table][pk][column] == text
        with pytest.raises(ValidationError):
            latest[(table, column)].run_validators(text)
