"""Facts per action kind: one pydantic model each, served as JSON Schema by the API."""

from __future__ import annotations

from gongkai.facts.base import ActionFacts
from gongkai.facts.feedback import EvaluationFeedback, HandleComplaint
from gongkai.facts.publication import PublishInformation, SecrecyReview
from gongkai.facts.records import Accountability, AnnualProgramme, CatalogueMaintenance
from gongkai.facts.request import AnswerRequest

ACTIONS: dict[str, type[ActionFacts]] = {
    model.kind: model
    for model in (
        PublishInformation,
        SecrecyReview,
        AnswerRequest,
        EvaluationFeedback,
        HandleComplaint,
        CatalogueMaintenance,
        AnnualProgramme,
        Accountability,
    )
}

__all__ = ["ACTIONS", "ActionFacts"]
