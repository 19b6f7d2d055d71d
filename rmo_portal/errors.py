"""The portal's answer to a request that failed: 500 for a fault of the code, 503 when the
database cannot be reached (restarted, failed over, out of connections).

Django calls the 500 handler inside the `except` of the failed request, so the exception is at
hand (`sys.exc_info()`). A database that went away is not a bug of the page: the answer is a
Russian «временно недоступен» with Retry-After, and the next request connects anew by itself
(CONN_HEALTH_CHECKS drops a dead persistent connection; every save is one transaction, so a
write cut off mid-way left nothing half-written — though a connection lost while committing
leaves the user unsure whether it was saved, which the page says). Both pages render without the request's context: the
context processors would ask the database again.

A document that could not be made (`reports.rendering.RenderError`: WeasyPrint failed while a
PDF was downloaded) is a 503 too, «Документ не удалось сформировать», logged by the rendering
module and by Django's request log; an action that renders and stores a PDF never gets here, it
refuses with the error's message (a RenderError is a ValidationError).
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.template import loader

from reports.rendering import RenderError

#: How long a client is asked to wait before it tries again, in seconds.
RETRY_AFTER = 30


#: SQLite's OperationalError for a schema that is not the code's (a migration not applied): a bug
#: of the deployment to see in the 500's report, not a database that went away.
SCHEMA_ERRORS = ("no such table", "no such column", "has no column")


def _database_unavailable(exception: BaseException | None) -> bool:
    """The request failed because the database could not be reached: Django's OperationalError
    or InterfaceError, raised or the explicit cause (`raise … from`) of what was raised."""
    seen: set[int] = set()
    while exception is not None and id(exception) not in seen:
        seen.add(id(exception))
        if isinstance(exception, OperationalError | InterfaceError):
            return not any(text in str(exception) for text in SCHEMA_ERRORS)
        exception = exception.__cause__
    return False


def server_error(request, template_name: str = "500.html"):
    exception = sys.exc_info()[1]
    if isinstance(exception, RenderError):
        response = HttpResponseServerError(loader.get_template("document_failed.html").render())
        response.status_code = 503
        return response
    if _database_unavailable(exception):
        response = HttpResponseServerError(loader.get_template("503.html").render())
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.get_template(template_name).render())
