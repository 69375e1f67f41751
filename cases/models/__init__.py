from cases.models.choices import (
    Assignment,
    CaseStatus,
    ControlGroup,
    ExperimentOutcome,
    LineageRelation,
)
from cases.models.pages import CaseIndexPage, CasePage
from cases.models.parts import CaseAttachment, CaseImage, CaseLineage, CaseLink, SuccessCriterion

__all__ = [
    "Assignment",
    "CaseAttachment",
    "CaseImage",
    "CaseIndexPage",
    "CaseLineage",
    "CaseLink",
    "CasePage",
    "CaseStatus",
    "ControlGroup",
    "ExperimentOutcome",
    "LineageRelation",
    "SuccessCriterion",
]
