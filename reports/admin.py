"""The reports app's admin: its subjects' admins register themselves on import (Django
autodiscovers only this module)."""

from reports.analysis import admin as analysis_admin  # noqa: F401
from reports.checklist import admin as checklist_admin  # noqa: F401
from reports.monitoring import admin as monitoring_admin  # noqa: F401
