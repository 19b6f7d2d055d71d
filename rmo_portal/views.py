"""Project-level pages that compose several apps. The home page lives here because it shows
meetings and decisions next to the organisation, and `associations` knows nothing of meetings
(reports → meetings → associations)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from associations import access
from associations import selectors as association_selectors
from associations.plans import selectors as plan_selectors
from associations.records.attestation import selectors as attestation_selectors
from associations.records.instructions import selectors as instruction_selectors
from associations.records.visits import selectors as visit_selectors
from meetings import selectors as meetings_selectors
from meetings.bank import selectors as bank_selectors
from meetings.schedule import selectors as schedule
from reports.analysis import selectors as analysis_selectors
from reports.dashboard import selectors as dashboard_selectors


@login_required
def home(request):
    user = request.user
    home_page = association_selectors.home(user=user)
    # The methodologist's (and the district's staff's) dashboard; None for everyone else.
    dashboard = dashboard_selectors.dashboard(user=user, year=home_page.year, params=request.GET)
    plan_statuses = plan_selectors.plan_statuses(user=user, year=home_page.year)
    # A plan returned to the user shows in «План работы» when it is this year's; an older one waits above.
    in_statuses = {row.plan.pk for row in plan_statuses if row.plan is not None}
    return render(
        request,
        "home.html",
        {
            "home": home_page,
            "plans_awaiting": [p for p in plan_selectors.plans_awaiting(user=user) if p.pk not in in_statuses],
            "analyses_awaiting": analysis_selectors.analyses_awaiting(user=user),
            # A reviewer (the deputy, the district official) gets the block even when nothing waits.
            "reviews": access.reaches_by_role(user, "association", "review"),
            "plan_statuses": plan_statuses,
            "recording": meetings_selectors.recording_tasks(user=user),
            # The district's overdue decisions are on the dashboard.
            "overdue_decisions": None if dashboard else meetings_selectors.overdue_decisions(user=user),
            "overseen_decisions": meetings_selectors.overseen_decisions(user=user),
            "next_week": schedule.next_week_meetings(user=user) if home_page.roles.person and not dashboard else None,
            "my_decisions": meetings_selectors.my_decisions(user=user),
            "upcoming": schedule.upcoming_meetings(user=user),
            "attestation_warnings": attestation_selectors.home_warnings(user=user),
            "acknowledgment_prompt": instruction_selectors.acknowledgment_prompt(user=user),
            "open_recommendations": visit_selectors.open_recommendations(user=user),
            "bank_drafts": bank_selectors.drafts_count(user=user),
            "dashboard": dashboard,
        },
    )
