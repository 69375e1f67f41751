"""The counting core as a package of its own: one registry of rules, and a command line that
runs without Django and prints what `manage.py pb_tally` prints."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest

from budgeting.counting.election import Election, Reason
from budgeting.counting.registry import RULES, Rule, rule_spec, tally
from budgeting.processes.models import CountingRule
from budgeting.results.explanations import REASON_WORDS

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"

# Runs `python -m budgeting.counting` with the arguments after `--` in a Python where `import
# django`, and any project module outside budgeting.counting, fails.
WITHOUT_DJANGO = """
import importlib.abc, runpy, sys
sys.path.insert(0, {root!r})
ALLOWED = ("budgeting", "budgeting.counting")
PROJECT = ("budgeting", "cases", "network", "portal", "search", "site", "stories", "toolkit")


class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        if top == "django" or (
            top in PROJECT and name not in ALLOWED and not name.startswith("budgeting.counting.")
        ):
            raise ImportError(f"{{name}} is blocked in this test")
        return None


sys.meta_path.insert(0, Blocker())
sys.argv = ["budgeting.counting", *sys.argv[sys.argv.index("--") + 1 :]]
runpy.run_module("budgeting.counting", run_name="__main__", alter_sys=True)
"""


def run_without_django(*args: str) -> subprocess.CompletedProcess:
    code = WITHOUT_DJANGO.format(root=str(ROOT))
    return subprocess.run(
        [sys.executable, "-I", "-c", code, "--", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd="/",
    )


def pb_tally(*args: str) -> str:
    out = StringIO()
    call_command("pb_tally", *args, stdout=out)
    return out.getvalue()


def test_the_models_counting_rules_are_the_registrys_rules_for_processes():
    offered = [spec for spec in RULES if spec.processes]
    assert [(member.name, member.value) for member in CountingRule] == [
        (spec.name, spec.key) for spec in offered
    ]
    assert [str(label) for label in CountingRule.labels] == [spec.label for spec in offered]
    # pabulib-only rules are counted but not offered to processes
    assert "equalshares/add1-comparison" not in CountingRule.values


def test_every_registered_rule_is_a_rule_and_counts_through_tally():
    e = Election.build(
        budget=100,
        projects=[("a", 60), ("b", 50), ("c", 40)],
        ballots=[{"a": 1, "b": 1}, {"a": 1, "b": 1, "c": 1}, {"a": 1}],
    )
    assert [rule.value for rule in Rule] == [spec.key for spec in RULES]
    for spec in RULES:
        assert Rule[spec.name] == spec.key
        assert rule_spec(spec.key) is spec
        outcome = tally(e, spec.key)
        assert outcome.rule == spec.key and outcome.selected
    with pytest.raises(ValueError):
        tally(e, "lottery")


def test_explanations_are_codes_and_numbers_that_the_host_words_in_any_language():
    e = Election.build(budget=100, projects=[("a", 60), ("b", 50)], ballots=[{"a": 1, "b": 1}])
    explanations = tally(e, Rule.GREEDY).explanations  # the tie goes to the cheaper b
    b, a = explanations["b"], explanations["a"]
    assert b.reason == Reason.FITTED and b.reason_params == {"cost": 50, "left": 100}
    assert a.reason == Reason.DID_NOT_FIT and a.reason_params == {"cost": 60, "left": 50}
    # every code the core can give has words in the budgeting app
    assert set(REASON_WORDS) == set(Reason)


def test_the_command_line_runs_where_django_cannot_be_imported():
    done = run_without_django(str(DATA / "Poland_Swiecie_2023.pb.gz"), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["rule"] == "equalshares/add1" and len(result["selected"]) == 17
    blocked = run_without_django("-c", "import django")  # the blocker itself works
    assert blocked.returncode != 0


@pytest.mark.parametrize(
    "args",
    [
        ("Poland_Swiecie_2023.pb.gz",),
        ("Poland_Swiecie_2023.pb.gz", "--json"),
        ("Poland_Wroclaw_2017_Rejon_nr_11_750.pb.gz", "--rule", "greedy-no-skip"),
        ("Poland_Wieliczka_2023_Green_Budget.pb.gz", "--json"),
        ("Hungary_Budapest_2024.pb.gz", "--rule", "equalshares", "--json"),
    ],
)
def test_the_command_line_prints_what_pb_tally_prints(args):
    path, *options = args
    done = run_without_django(str(DATA / path), *options)
    assert done.returncode == 0, done.stderr
    assert done.stdout == pb_tally(str(DATA / path), *options)


def test_the_command_line_and_pb_tally_refuse_a_file_alike(tmp_path):
    missing = str(tmp_path / "missing.pb")
    done = run_without_django(missing)
    assert done.returncode == 1 and done.stdout == ""
    with pytest.raises(CommandError) as refused:
        pb_tally(missing)
    assert done.stderr == f"{refused.value}\n"
