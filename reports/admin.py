"""The reports app's admin: its subjects' admins register themselves on import (Django
autodiscovers only this module)."""

from reports.monitoring import admin as monitoring_admin  # noqa: F401
