from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTCOME_UNSPECIFIED: _ClassVar[Outcome]
    COMPLIANT: _ClassVar[Outcome]
    NON_COMPLIANT: _ClassVar[Outcome]
    INCOMPLETE: _ClassVar[Outcome]
    NOT_COVERED: _ClassVar[Outcome]

class CoverageStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COVERAGE_STATUS_UNSPECIFIED: _ClassVar[CoverageStatus]
    APPLIED: _ClassVar[CoverageStatus]
    PACK_NOT_IN_FORCE: _ClassVar[CoverageStatus]
    NO_RULE_FOR_ACTION: _ClassVar[CoverageStatus]
    RULES_NOT_IN_FORCE: _ClassVar[CoverageStatus]

class Severity(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SEVERITY_UNSPECIFIED: _ClassVar[Severity]
    MUST: _ClassVar[Severity]
    SHOULD: _ClassVar[Severity]
    INFO: _ClassVar[Severity]

class ObligationStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OBLIGATION_STATUS_UNSPECIFIED: _ClassVar[ObligationStatus]
    OPEN: _ClassVar[ObligationStatus]
    SUSPENDED: _ClassVar[ObligationStatus]
    MET: _ClassVar[ObligationStatus]
    MISSED: _ClassVar[ObligationStatus]
OUTCOME_UNSPECIFIED: Outcome
COMPLIANT: Outcome
NON_COMPLIANT: Outcome
INCOMPLETE: Outcome
NOT_COVERED: Outcome
COVERAGE_STATUS_UNSPECIFIED: CoverageStatus
APPLIED: CoverageStatus
PACK_NOT_IN_FORCE: CoverageStatus
NO_RULE_FOR_ACTION: CoverageStatus
RULES_NOT_IN_FORCE: CoverageStatus
SEVERITY_UNSPECIFIED: Severity
MUST: Severity
SHOULD: Severity
INFO: Severity
OBLIGATION_STATUS_UNSPECIFIED: ObligationStatus
OPEN: ObligationStatus
SUSPENDED: ObligationStatus
MET: ObligationStatus
MISSED: ObligationStatus

class Agency(_message.Message):
    __slots__ = ("name", "division_code", "kind")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DIVISION_CODE_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    name: str
    division_code: str
    kind: str
    def __init__(self, name: _Optional[str] = ..., division_code: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class CheckRequest(_message.Message):
    __slots__ = ("request_id", "agency", "action", "facts", "as_of")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    agency: Agency
    action: str
    facts: _struct_pb2.Struct
    as_of: str
    def __init__(self, request_id: _Optional[str] = ..., agency: _Optional[_Union[Agency, _Mapping]] = ..., action: _Optional[str] = ..., facts: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., as_of: _Optional[str] = ...) -> None: ...

class Finding(_message.Message):
    __slots__ = ("rule_id", "clause_id", "clause_ids", "document", "document_number", "section", "clause_text", "severity", "message", "remedy", "facts", "text_spans")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_ID_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_IDS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_TEXT_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REMEDY_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    TEXT_SPANS_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    clause_id: str
    clause_ids: _containers.RepeatedScalarFieldContainer[str]
    document: str
    document_number: str
    section: str
    clause_text: str
    severity: Severity
    message: str
    remedy: str
    facts: _struct_pb2.Struct
    text_spans: _containers.RepeatedCompositeFieldContainer[TextFact]
    def __init__(self, rule_id: _Optional[str] = ..., clause_id: _Optional[str] = ..., clause_ids: _Optional[_Iterable[str]] = ..., document: _Optional[str] = ..., document_number: _Optional[str] = ..., section: _Optional[str] = ..., clause_text: _Optional[str] = ..., severity: _Optional[_Union[Severity, str]] = ..., message: _Optional[str] = ..., remedy: _Optional[str] = ..., facts: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., text_spans: _Optional[_Iterable[_Union[TextFact, _Mapping]]] = ...) -> None: ...

class TextFact(_message.Message):
    __slots__ = ("fact", "value", "text", "start", "end")
    FACT_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    fact: str
    value: _struct_pb2.Value
    text: str
    start: int
    end: int
    def __init__(self, fact: _Optional[str] = ..., value: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., text: _Optional[str] = ..., start: _Optional[int] = ..., end: _Optional[int] = ...) -> None: ...

class Obligation(_message.Message):
    __slots__ = ("id", "title", "clause_ids", "starts_on", "due_on", "period", "done_on", "status")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_IDS_FIELD_NUMBER: _ClassVar[int]
    STARTS_ON_FIELD_NUMBER: _ClassVar[int]
    DUE_ON_FIELD_NUMBER: _ClassVar[int]
    PERIOD_FIELD_NUMBER: _ClassVar[int]
    DONE_ON_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    clause_ids: _containers.RepeatedScalarFieldContainer[str]
    starts_on: str
    due_on: str
    period: str
    done_on: str
    status: ObligationStatus
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., clause_ids: _Optional[_Iterable[str]] = ..., starts_on: _Optional[str] = ..., due_on: _Optional[str] = ..., period: _Optional[str] = ..., done_on: _Optional[str] = ..., status: _Optional[_Union[ObligationStatus, str]] = ...) -> None: ...

class Undecided(_message.Message):
    __slots__ = ("rule_id", "clause_id", "severity", "missing_facts", "message")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_ID_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    MISSING_FACTS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    clause_id: str
    severity: Severity
    missing_facts: _containers.RepeatedScalarFieldContainer[str]
    message: str
    def __init__(self, rule_id: _Optional[str] = ..., clause_id: _Optional[str] = ..., severity: _Optional[_Union[Severity, str]] = ..., missing_facts: _Optional[_Iterable[str]] = ..., message: _Optional[str] = ...) -> None: ...

class Option(_message.Message):
    __slots__ = ("value", "term")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    TERM_FIELD_NUMBER: _ClassVar[int]
    value: str
    term: str
    def __init__(self, value: _Optional[str] = ..., term: _Optional[str] = ...) -> None: ...

class Question(_message.Message):
    __slots__ = ("fact", "term", "question", "type", "options", "rules", "must_rules")
    FACT_FIELD_NUMBER: _ClassVar[int]
    TERM_FIELD_NUMBER: _ClassVar[int]
    QUESTION_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    MUST_RULES_FIELD_NUMBER: _ClassVar[int]
    fact: str
    term: str
    question: str
    type: str
    options: _containers.RepeatedCompositeFieldContainer[Option]
    rules: _containers.RepeatedScalarFieldContainer[str]
    must_rules: int
    def __init__(self, fact: _Optional[str] = ..., term: _Optional[str] = ..., question: _Optional[str] = ..., type: _Optional[str] = ..., options: _Optional[_Iterable[_Union[Option, _Mapping]]] = ..., rules: _Optional[_Iterable[str]] = ..., must_rules: _Optional[int] = ...) -> None: ...

class AppliedPack(_message.Message):
    __slots__ = ("code", "document", "version", "effective_from")
    CODE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    code: str
    document: str
    version: str
    effective_from: str
    def __init__(self, code: _Optional[str] = ..., document: _Optional[str] = ..., version: _Optional[str] = ..., effective_from: _Optional[str] = ...) -> None: ...

class PackCoverage(_message.Message):
    __slots__ = ("code", "document", "effective_from", "effective_to", "status", "rules_in_force", "note")
    CODE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_TO_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RULES_IN_FORCE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    code: str
    document: str
    effective_from: str
    effective_to: str
    status: CoverageStatus
    rules_in_force: int
    note: str
    def __init__(self, code: _Optional[str] = ..., document: _Optional[str] = ..., effective_from: _Optional[str] = ..., effective_to: _Optional[str] = ..., status: _Optional[_Union[CoverageStatus, str]] = ..., rules_in_force: _Optional[int] = ..., note: _Optional[str] = ...) -> None: ...

class ConflictingProvision(_message.Message):
    __slots__ = ("pack", "clause_id", "says")
    PACK_FIELD_NUMBER: _ClassVar[int]
    CLAUSE_ID_FIELD_NUMBER: _ClassVar[int]
    SAYS_FIELD_NUMBER: _ClassVar[int]
    pack: str
    clause_id: str
    says: str
    def __init__(self, pack: _Optional[str] = ..., clause_id: _Optional[str] = ..., says: _Optional[str] = ...) -> None: ...

class Conflict(_message.Message):
    __slots__ = ("topic", "title", "provisions", "stricter", "note")
    TOPIC_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PROVISIONS_FIELD_NUMBER: _ClassVar[int]
    STRICTER_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    topic: str
    title: str
    provisions: _containers.RepeatedCompositeFieldContainer[ConflictingProvision]
    stricter: str
    note: str
    def __init__(self, topic: _Optional[str] = ..., title: _Optional[str] = ..., provisions: _Optional[_Iterable[_Union[ConflictingProvision, _Mapping]]] = ..., stricter: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class Decision(_message.Message):
    __slots__ = ("request_id", "outcome", "action", "agency", "as_of", "findings", "obligations", "undecided", "missing_facts", "packs", "rules_applied", "ruleset_version", "warnings", "engine_micros", "total_micros", "jurisdiction", "conflicts", "rules_satisfied", "coverage", "questions", "fact_terms", "calendars", "from_text")
    class FactTermsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    FINDINGS_FIELD_NUMBER: _ClassVar[int]
    OBLIGATIONS_FIELD_NUMBER: _ClassVar[int]
    UNDECIDED_FIELD_NUMBER: _ClassVar[int]
    MISSING_FACTS_FIELD_NUMBER: _ClassVar[int]
    PACKS_FIELD_NUMBER: _ClassVar[int]
    RULES_APPLIED_FIELD_NUMBER: _ClassVar[int]
    RULESET_VERSION_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    ENGINE_MICROS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_MICROS_FIELD_NUMBER: _ClassVar[int]
    JURISDICTION_FIELD_NUMBER: _ClassVar[int]
    CONFLICTS_FIELD_NUMBER: _ClassVar[int]
    RULES_SATISFIED_FIELD_NUMBER: _ClassVar[int]
    COVERAGE_FIELD_NUMBER: _ClassVar[int]
    QUESTIONS_FIELD_NUMBER: _ClassVar[int]
    FACT_TERMS_FIELD_NUMBER: _ClassVar[int]
    CALENDARS_FIELD_NUMBER: _ClassVar[int]
    FROM_TEXT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    outcome: Outcome
    action: str
    agency: str
    as_of: str
    findings: _containers.RepeatedCompositeFieldContainer[Finding]
    obligations: _containers.RepeatedCompositeFieldContainer[Obligation]
    undecided: _containers.RepeatedCompositeFieldContainer[Undecided]
    missing_facts: _containers.RepeatedScalarFieldContainer[str]
    packs: _containers.RepeatedCompositeFieldContainer[AppliedPack]
    rules_applied: _containers.RepeatedScalarFieldContainer[str]
    ruleset_version: str
    warnings: _containers.RepeatedScalarFieldContainer[str]
    engine_micros: int
    total_micros: int
    jurisdiction: str
    conflicts: _containers.RepeatedCompositeFieldContainer[Conflict]
    rules_satisfied: _containers.RepeatedScalarFieldContainer[str]
    coverage: _containers.RepeatedCompositeFieldContainer[PackCoverage]
    questions: _containers.RepeatedCompositeFieldContainer[Question]
    fact_terms: _containers.ScalarMap[str, str]
    calendars: _containers.RepeatedCompositeFieldContainer[CalendarSource]
    from_text: _containers.RepeatedCompositeFieldContainer[TextFact]
    def __init__(self, request_id: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., action: _Optional[str] = ..., agency: _Optional[str] = ..., as_of: _Optional[str] = ..., findings: _Optional[_Iterable[_Union[Finding, _Mapping]]] = ..., obligations: _Optional[_Iterable[_Union[Obligation, _Mapping]]] = ..., undecided: _Optional[_Iterable[_Union[Undecided, _Mapping]]] = ..., missing_facts: _Optional[_Iterable[str]] = ..., packs: _Optional[_Iterable[_Union[AppliedPack, _Mapping]]] = ..., rules_applied: _Optional[_Iterable[str]] = ..., ruleset_version: _Optional[str] = ..., warnings: _Optional[_Iterable[str]] = ..., engine_micros: _Optional[int] = ..., total_micros: _Optional[int] = ..., jurisdiction: _Optional[str] = ..., conflicts: _Optional[_Iterable[_Union[Conflict, _Mapping]]] = ..., rules_satisfied: _Optional[_Iterable[str]] = ..., coverage: _Optional[_Iterable[_Union[PackCoverage, _Mapping]]] = ..., questions: _Optional[_Iterable[_Union[Question, _Mapping]]] = ..., fact_terms: _Optional[_Mapping[str, str]] = ..., calendars: _Optional[_Iterable[_Union[CalendarSource, _Mapping]]] = ..., from_text: _Optional[_Iterable[_Union[TextFact, _Mapping]]] = ...) -> None: ...

class CalendarSource(_message.Message):
    __slots__ = ("year", "source")
    YEAR_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    year: int
    source: str
    def __init__(self, year: _Optional[int] = ..., source: _Optional[str] = ...) -> None: ...

class CheckBatchRequest(_message.Message):
    __slots__ = ("requests",)
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[CheckRequest]
    def __init__(self, requests: _Optional[_Iterable[_Union[CheckRequest, _Mapping]]] = ...) -> None: ...

class CheckError(_message.Message):
    __slots__ = ("code", "field", "message", "violations")
    CODE_FIELD_NUMBER: _ClassVar[int]
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    VIOLATIONS_FIELD_NUMBER: _ClassVar[int]
    code: str
    field: str
    message: str
    violations: _containers.RepeatedCompositeFieldContainer[Violation]
    def __init__(self, code: _Optional[str] = ..., field: _Optional[str] = ..., message: _Optional[str] = ..., violations: _Optional[_Iterable[_Union[Violation, _Mapping]]] = ...) -> None: ...

class Violation(_message.Message):
    __slots__ = ("field", "message", "message_en", "kind")
    FIELD_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_EN_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    field: str
    message: str
    message_en: str
    kind: str
    def __init__(self, field: _Optional[str] = ..., message: _Optional[str] = ..., message_en: _Optional[str] = ..., kind: _Optional[str] = ...) -> None: ...

class CheckResult(_message.Message):
    __slots__ = ("decision", "error")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    decision: Decision
    error: CheckError
    def __init__(self, decision: _Optional[_Union[Decision, _Mapping]] = ..., error: _Optional[_Union[CheckError, _Mapping]] = ...) -> None: ...

class CheckBatchResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[CheckResult]
    def __init__(self, results: _Optional[_Iterable[_Union[CheckResult, _Mapping]]] = ...) -> None: ...

class ListRulesRequest(_message.Message):
    __slots__ = ("pack", "action")
    PACK_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    pack: str
    action: str
    def __init__(self, pack: _Optional[str] = ..., action: _Optional[str] = ...) -> None: ...

class ListRulesResponse(_message.Message):
    __slots__ = ("rules",)
    RULES_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[Rule]
    def __init__(self, rules: _Optional[_Iterable[_Union[Rule, _Mapping]]] = ...) -> None: ...

class GetRuleRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class Clause(_message.Message):
    __slots__ = ("id", "document", "document_number", "section", "text")
    ID_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SECTION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    id: str
    document: str
    document_number: str
    section: str
    text: str
    def __init__(self, id: _Optional[str] = ..., document: _Optional[str] = ..., document_number: _Optional[str] = ..., section: _Optional[str] = ..., text: _Optional[str] = ...) -> None: ...

class Rule(_message.Message):
    __slots__ = ("id", "pack", "actions", "severity", "condition", "resolved_condition", "reads", "message", "remedy", "effective_from", "effective_to", "clauses", "note", "depends_on")
    ID_FIELD_NUMBER: _ClassVar[int]
    PACK_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    CONDITION_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_CONDITION_FIELD_NUMBER: _ClassVar[int]
    READS_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REMEDY_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_TO_FIELD_NUMBER: _ClassVar[int]
    CLAUSES_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    DEPENDS_ON_FIELD_NUMBER: _ClassVar[int]
    id: str
    pack: str
    actions: _containers.RepeatedScalarFieldContainer[str]
    severity: Severity
    condition: str
    resolved_condition: str
    reads: _containers.RepeatedScalarFieldContainer[str]
    message: str
    remedy: str
    effective_from: str
    effective_to: str
    clauses: _containers.RepeatedCompositeFieldContainer[Clause]
    note: str
    depends_on: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, id: _Optional[str] = ..., pack: _Optional[str] = ..., actions: _Optional[_Iterable[str]] = ..., severity: _Optional[_Union[Severity, str]] = ..., condition: _Optional[str] = ..., resolved_condition: _Optional[str] = ..., reads: _Optional[_Iterable[str]] = ..., message: _Optional[str] = ..., remedy: _Optional[str] = ..., effective_from: _Optional[str] = ..., effective_to: _Optional[str] = ..., clauses: _Optional[_Iterable[_Union[Clause, _Mapping]]] = ..., note: _Optional[str] = ..., depends_on: _Optional[_Iterable[str]] = ...) -> None: ...

class DescribeActionsRequest(_message.Message):
    __slots__ = ("agency", "as_of")
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    agency: Agency
    as_of: str
    def __init__(self, agency: _Optional[_Union[Agency, _Mapping]] = ..., as_of: _Optional[str] = ...) -> None: ...

class ActionKind(_message.Message):
    __slots__ = ("kind", "term", "description", "facts_schema", "rule_count", "facts")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TERM_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    FACTS_SCHEMA_FIELD_NUMBER: _ClassVar[int]
    RULE_COUNT_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    kind: str
    term: str
    description: str
    facts_schema: str
    rule_count: int
    facts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, kind: _Optional[str] = ..., term: _Optional[str] = ..., description: _Optional[str] = ..., facts_schema: _Optional[str] = ..., rule_count: _Optional[int] = ..., facts: _Optional[_Iterable[str]] = ...) -> None: ...

class ApplicabilityRequest(_message.Message):
    __slots__ = ("agency", "as_of")
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    agency: Agency
    as_of: str
    def __init__(self, agency: _Optional[_Union[Agency, _Mapping]] = ..., as_of: _Optional[str] = ...) -> None: ...

class PackInForce(_message.Message):
    __slots__ = ("code", "document", "effective_from", "effective_to")
    CODE_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_FROM_FIELD_NUMBER: _ClassVar[int]
    EFFECTIVE_TO_FIELD_NUMBER: _ClassVar[int]
    code: str
    document: str
    effective_from: str
    effective_to: str
    def __init__(self, code: _Optional[str] = ..., document: _Optional[str] = ..., effective_from: _Optional[str] = ..., effective_to: _Optional[str] = ...) -> None: ...

class ActionScope(_message.Message):
    __slots__ = ("kind", "term", "rules", "facts")
    KIND_FIELD_NUMBER: _ClassVar[int]
    TERM_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    kind: str
    term: str
    rules: _containers.RepeatedScalarFieldContainer[str]
    facts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, kind: _Optional[str] = ..., term: _Optional[str] = ..., rules: _Optional[_Iterable[str]] = ..., facts: _Optional[_Iterable[str]] = ...) -> None: ...

class ApplicabilityResponse(_message.Message):
    __slots__ = ("agency", "as_of", "binding", "packs", "actions")
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    BINDING_FIELD_NUMBER: _ClassVar[int]
    PACKS_FIELD_NUMBER: _ClassVar[int]
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    agency: str
    as_of: str
    binding: _containers.RepeatedScalarFieldContainer[str]
    packs: _containers.RepeatedCompositeFieldContainer[PackInForce]
    actions: _containers.RepeatedCompositeFieldContainer[ActionScope]
    def __init__(self, agency: _Optional[str] = ..., as_of: _Optional[str] = ..., binding: _Optional[_Iterable[str]] = ..., packs: _Optional[_Iterable[_Union[PackInForce, _Mapping]]] = ..., actions: _Optional[_Iterable[_Union[ActionScope, _Mapping]]] = ...) -> None: ...

class DescribeActionsResponse(_message.Message):
    __slots__ = ("actions",)
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    actions: _containers.RepeatedCompositeFieldContainer[ActionKind]
    def __init__(self, actions: _Optional[_Iterable[_Union[ActionKind, _Mapping]]] = ...) -> None: ...

class GetDecisionRequest(_message.Message):
    __slots__ = ("request_id",)
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    def __init__(self, request_id: _Optional[str] = ...) -> None: ...

class LoggedDecision(_message.Message):
    __slots__ = ("seq", "request_id", "recorded_at", "agency", "division_code", "action", "outcome", "ruleset_version", "request_json", "decision_json", "error")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    RECORDED_AT_FIELD_NUMBER: _ClassVar[int]
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    DIVISION_CODE_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    RULESET_VERSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_JSON_FIELD_NUMBER: _ClassVar[int]
    DECISION_JSON_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    seq: int
    request_id: str
    recorded_at: str
    agency: str
    division_code: str
    action: str
    outcome: str
    ruleset_version: str
    request_json: str
    decision_json: str
    error: CheckError
    def __init__(self, seq: _Optional[int] = ..., request_id: _Optional[str] = ..., recorded_at: _Optional[str] = ..., agency: _Optional[str] = ..., division_code: _Optional[str] = ..., action: _Optional[str] = ..., outcome: _Optional[str] = ..., ruleset_version: _Optional[str] = ..., request_json: _Optional[str] = ..., decision_json: _Optional[str] = ..., error: _Optional[_Union[CheckError, _Mapping]] = ...) -> None: ...

class ListDecisionsRequest(_message.Message):
    __slots__ = ("agency", "outcome", "action", "since", "until", "page_size", "page_token")
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    SINCE_FIELD_NUMBER: _ClassVar[int]
    UNTIL_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    agency: str
    outcome: str
    action: str
    since: str
    until: str
    page_size: int
    page_token: str
    def __init__(self, agency: _Optional[str] = ..., outcome: _Optional[str] = ..., action: _Optional[str] = ..., since: _Optional[str] = ..., until: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDecisionsResponse(_message.Message):
    __slots__ = ("decisions", "next_page_token")
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    decisions: _containers.RepeatedCompositeFieldContainer[LoggedDecision]
    next_page_token: str
    def __init__(self, decisions: _Optional[_Iterable[_Union[LoggedDecision, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ReadDocumentRequest(_message.Message):
    __slots__ = ("text", "content", "filename")
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    text: str
    content: bytes
    filename: str
    def __init__(self, text: _Optional[str] = ..., content: _Optional[bytes] = ..., filename: _Optional[str] = ...) -> None: ...

class ReadDocumentResponse(_message.Message):
    __slots__ = ("reading",)
    READING_FIELD_NUMBER: _ClassVar[int]
    reading: _struct_pb2.Struct
    def __init__(self, reading: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ...) -> None: ...

class CheckDocumentRequest(_message.Message):
    __slots__ = ("request_id", "agency", "action", "text", "content", "filename", "facts", "as_of", "continuing_valid")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AGENCY_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    CONTINUING_VALID_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    agency: Agency
    action: str
    text: str
    content: bytes
    filename: str
    facts: _struct_pb2.Struct
    as_of: str
    continuing_valid: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, request_id: _Optional[str] = ..., agency: _Optional[_Union[Agency, _Mapping]] = ..., action: _Optional[str] = ..., text: _Optional[str] = ..., content: _Optional[bytes] = ..., filename: _Optional[str] = ..., facts: _Optional[_Union[_struct_pb2.Struct, _Mapping]] = ..., as_of: _Optional[str] = ..., continuing_valid: _Optional[_Iterable[str]] = ...) -> None: ...
