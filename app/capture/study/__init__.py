"""Reproduction studies: a prompt campaign run as a pre-registered experiment (issue 18).

GUI-free. A protocol (TOML, :mod:`.protocol`) is frozen as a timestamped item before the
first request (:mod:`.study`), run through the campaign machinery, reviewed blind
(:mod:`.review`) and summarised with interval estimates (:mod:`.results`, :mod:`.stats`).
"""

from app.capture.study.protocol import (
    Protocol,
    ProtocolError,
    load_protocol,
    parse_protocol,
    schedule,
)
from app.capture.study.results import record_study_matches, study_report, study_status
from app.capture.study.review import blind_set, load_answers, record_reviews
from app.capture.study.study import (
    Study,
    StudyNotFoundError,
    StudyStateError,
    current_version,
    freeze,
    get_study,
    init_study,
    list_studies,
    run_study,
)

__all__ = [
    "Protocol",
    "ProtocolError",
    "Study",
    "StudyNotFoundError",
    "StudyStateError",
    "blind_set",
    "current_version",
    "freeze",
    "get_study",
    "init_study",
    "list_studies",
    "load_answers",
    "load_protocol",
    "parse_protocol",
    "record_reviews",
    "record_study_matches",
    "run_study",
    "schedule",
    "study_report",
    "study_status",
]
