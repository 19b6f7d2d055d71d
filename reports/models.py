"""The reports app's models live in their subjects' packages; importing them here registers them
with the app registry under the `reports` label."""

from reports.analysis.models import Analysis, AnalysisDeadline, AnalysisReminder, AnalysisTransition  # noqa: F401
from reports.checklist.models import ChecklistDocument  # noqa: F401
from reports.monitoring.models import (  # noqa: F401
    ClassMonitoring,
    Grade,
    Indicator,
    LevelBand,
    Method,
    MethodRater,
    MonitoredPupil,
    Quality,
    ScaleValue,
)
