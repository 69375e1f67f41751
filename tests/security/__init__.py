"""Security probes: what an outside attacker found (issue 15) stays closed.

They run in CI on both databases with the rest of the suite (`tests` is in pytest's
testpaths). Each probe asserts on what a user or an attacker would notice (nothing created,
content not shown, no executable markup, no 5xx), never on one fix's status code or wording.
The shared world (one account of every role, pages, PB processes in each phase) is built once
per module in `conftest.py`.

Families:

- `test_xss.py` with `xss_corpus.py`: 54 payloads through every field people write (profile,
  PB proposal and comment, review reason, criteria, shared story, group, workshop draft,
  progress update, milestone, effect, search boxes, voting code), checked on pages, the admin,
  the Atom feed, the JSON APIs and e-mail (CSV is `test_csv_injection.py`).
- `test_csv_injection.py`: every CSV download (cases, workshop participants, PB ledger, the
  CSV in open-data.zip) with values that start with a formula character.
- `test_url_fuzz.py`: every URL pattern with malformed, huge and unicode values; no 5xx. It
  prints `url-fuzz family=<name> requests=<n> failures=<n>` per family.
- `test_roles.py`: the role matrix; each (rule, role) is its own test id.
- `test_vote_integrity.py`, `test_bad_input.py`: the vote's frozen rule and close, uploads,
  an unreachable mail server, SQLite under production settings.
- `test_worst_case_input.py` (H1) and `test_rate_limits_across_workers.py` (H5).

Which probe covers each finding of issue 15 (each failed on a744eb4 unless said otherwise):

1. One account stops the site (quadratic sanitiser, no limits): `test_worst_case_input.py`
   (each sanitised field at its maximum length of worst-case input, timed). Guards beside it:
   `test_url_fuzz.py::test_a_five_megabyte_body_is_refused` and
   `test_a_five_megabyte_photo_is_refused` (these held before too: Django's own form-data
   limit and the photo's size limit).
2. The frozen rule is not frozen: `test_vote_integrity.py::
   test_the_count_uses_the_budget_published_when_voting_opened`.
3. Ballots lost at the close (PostgreSQL): `test_vote_integrity.py::
   test_closing_the_vote_loses_no_ballot`.
4. Members-only stories leak to unapproved accounts: `test_roles.py::test_members_only_story`
   (pending and deactivated, through search, the API and the story listing).
5. A vote from a self-edited profile, and a second ballot by code: `test_roles.py::
   test_a_member_who_moves_themselves_into_the_town_does_not_vote_there` and
   `test_an_account_that_voted_cannot_vote_again_with_a_code`.
6. Feed XSS: `test_xss.py::test_atom_feed`.
7. CSV formula injection: `test_csv_injection.py` (PB ledger, open-data.zip; the case export
   was open too).
8. Server errors: `test_url_fuzz.py::test_no_server_error` (compare `case=` overflow and
   oversize ids in profile and group forms on SQLite, criteria `remove=abc`);
   `test_bad_input.py` (truncated JPEG, sign-up and sign-in with the mail server down, SQLite
   under production settings).
9. Uploads: `test_bad_input.py` (121-megapixel PNG, GPS positions in stored photos).
10. Rate limits per worker, the proxy's address: `test_rate_limits_across_workers.py`.
11. Unapproved accounts write, a decided bonus reopened, voting codes unthrottled, the
    anonymised author in the admin: `test_roles.py::test_rule_as_role` (`write_*` as pending
    and deactivated), `test_a_deactivated_former_volunteer_posts_no_update`,
    `test_a_decided_bonus_stays_decided`, `test_voting_code_entry_is_rate_limited`,
    `test_the_admin_shows_an_anonymised_author_only_if_the_readme_says_so`.
"""
