"""The counting core of participatory budgeting: pabulib files and counting rules.

A plain Python package (numpy, no Django, nothing else of the project), so that anyone can
recompute a published result with `python -m budgeting.counting FILE.pb`:

- `election`: the election and outcome data, and what every rule shares;
- `greedy`, `mes`, `equal_shares`: the rules;
- `registry`: the one list of rules (`RULES`), `Rule` and `tally`;
- `pabulib`: reading and writing `.pb` files;
- `cli`: the command line.
"""
