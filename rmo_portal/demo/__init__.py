"""The demo district and the bench data sets, kept apart from the domain apps.

`load_demo` composes the demo's parts explicitly, in the order they depend on each other: the
organisation with its plans (`organisation`, `plans`), then its meetings, protocols and decisions
(`meetings`), then the records of methodical work (`records`: contests, attestation, courses,
visits, consultations, nominations, the acknowledgment of the job instruction), then the data bank
of educational events with its files (`bank`), then the monitoring of pupils' upbringing level
in two schools (`monitoring`), then the annual analyses (`analysis`: last year's accepted, this
year's drafts). The bench data
set (`bench`) reuses the services the same way. This package sits above every app (it may
import all three); no app imports it.
"""

from __future__ import annotations

from associations.files.services import files_atomic
from rmo_portal.demo import analysis, bank, meetings, monitoring, organisation, records
from rmo_portal.demo.organisation import ADMIN_LOGIN, DEMO_PASSWORD, LOGINS, DemoResult

__all__ = ["ADMIN_LOGIN", "DEMO_PASSWORD", "LOGINS", "DemoResult", "load_demo"]


def load_demo() -> DemoResult:
    """Build (or bring up to date) the demo district, all in one transaction.

    The plans' review is staged history, so it tells nobody: `make run` has the console e-mail
    backend (seven e-mails amid the output), a server may have SMTP (mail to made-up
    addresses), and building a notification loads the URLconf and with it WeasyPrint, a second
    of the command's three. The notifications run on commit, so they are switched off around
    every transition (notify=False).
    """
    # files_atomic: a failure deletes the blobs the bank's cards stored (file_store) with the rows.
    with files_atomic():
        result = organisation.build()
        for extend in (
            meetings.extend_demo, records.extend_demo, bank.extend_demo, monitoring.extend_demo, analysis.extend_demo,
        ):
            part = extend(district=result.district, year=result.year)
            result.written += part.written
            result.summaries.append(part.summary)
        return result
