"""The portal's answer to a request that failed: 500 for a fault of the code, 503 when the
database cannot be reached (restarted, failed over, out of connections).

Django calls the 500 handler inside the `except` of the failed request, so the exception is at
hand (`sys.exc_info()`). A database that went away is not a bug of the page: the answer is a
Russian «временно недоступен» with Retry-After, and the next request connects anew by itself
(CONN_HEALTH_CHECKS drops a dead persistent connection; every save is one transaction, so a
write cut off mid-way left nothing behind). Both pages render without the request's context: the
context processors would ask the database again.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.template import loader

#: How long a client is asked to wait before it tries again, in seconds.
RETRY_AFTER = 30


def _database_unavailable(exception: BaseException | None) -> bool:
    while exception is not None:
        if isinstance(exception, OperationalError | InterfaceError):
            return True
        exception = exception.__cause__ or exception.__context__
    return False


def server_error(request, template_name: str = "500.html"):
    if _database_unavailable(sys.exc_info()[1]):
        response = HttpResponseServerError(loader.get_template("503.html").render())
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER)
        return response
    return HttpResponseServerError(loader.get_template(template_name).render())
