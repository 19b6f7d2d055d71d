"""The load test and the fault check of `manage.py loadtest` (issue 17; the method and the
results: docs/benchmarks.md «Нагрузка»).

`make load` runs locust headless against two gunicorn instances on two ports that share one
PostgreSQL database and one media directory, as two app servers behind nginx would: nothing may
be kept per process (sessions, the login throttle and the cache are in the database). The users
are the bench's data set with passwords given (`data.py`), their pages in `locustfile.py`.
`loadtest --fault pg-restart` restarts PostgreSQL in the middle of a short load and checks that
the requests fail cleanly, no save is half-written and the app reconnects (`fault.py`).

Nothing here runs inside a request, and the apps never import it.
"""
