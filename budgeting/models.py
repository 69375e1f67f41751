"""The models Django loads for the `budgeting` app: each room of the app defines its own.

Participatory budgeting is split by sub-domain (`processes`, `proposals`, `voting`, `results`,
`implementation`, `assessment`); their models keep the app label `budgeting` and their tables
because they live inside this app's package. Import a model from its room; this module exists
so that Django finds every model when it loads the app.
"""

from budgeting.assessment.models import AssessmentVote, ImpactCriterion, Indicator, UnexpectedEffect
from budgeting.implementation.models import (
    Implementation,
    ImplementationEvent,
    Milestone,
    ProgressUpdate,
)
from budgeting.processes.models import District, Process, ProcessTranslation
from budgeting.proposals.models import Comment, Project, ProjectTranslation, Support
from budgeting.results.models import BallotFile
from budgeting.voting.models import Ballot, BallotChoice, BallotCriterion, VotingCode

__all__ = [
    "AssessmentVote",
    "Ballot",
    "BallotChoice",
    "BallotFile",
    "BallotCriterion",
    "Comment",
    "District",
    "ImpactCriterion",
    "Implementation",
    "ImplementationEvent",
    "Indicator",
    "Milestone",
    "Process",
    "ProcessTranslation",
    "ProgressUpdate",
    "Project",
    "ProjectTranslation",
    "Support",
    "UnexpectedEffect",
    "VotingCode",
]
