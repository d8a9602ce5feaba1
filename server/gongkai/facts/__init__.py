"""Facts per action kind: one pydantic model each, served as JSON Schema by the API."""

from __future__ import annotations

from gongkai.facts.base import ActionFacts
from gongkai.facts.cleanup import NormativeDocumentCleanup
from gongkai.facts.decision import MajorDecision
from gongkai.facts.drafting import DraftDocument
from gongkai.facts.feedback import EvaluationFeedback, HandleComplaint
from gongkai.facts.milestones import Milestone
from gongkai.facts.national_actions import AnnualReport, ConsultationReply, CorrectionRequest, DisclosureGuide
from gongkai.facts.opinion import PublicOpinionResponse
from gongkai.facts.publication import PublishInformation, SecrecyReview
from gongkai.facts.records import Accountability, AnnualProgramme, CatalogueMaintenance
from gongkai.facts.request import AnswerRequest
from gongkai.facts.tracking import DecisionTracking

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
        NormativeDocumentCleanup,
        Milestone,
        MajorDecision,
        DecisionTracking,
        PublicOpinionResponse,
        DraftDocument,
        DisclosureGuide,
        AnnualReport,
        ConsultationReply,
        CorrectionRequest,
    )
}

__all__ = ["ACTIONS", "ActionFacts"]
