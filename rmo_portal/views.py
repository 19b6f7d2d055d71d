"""Project-level pages that compose several apps. The home page lives here because it shows
meetings and decisions next to the organisation, and `associations` knows nothing of meetings
(reports → meetings → associations)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from associations import selectors as association_selectors
from associations.plans import selectors as plan_selectors
from associations.records.attestation import selectors as attestation_selectors
from associations.records.instructions import selectors as instruction_selectors
from associations.records.visits import selectors as visit_selectors
from meetings import selectors as meetings_selectors
from meetings.bank import selectors as bank_selectors
from meetings.schedule import selectors as schedule
from reports.dashboard import selectors as dashboard_selectors


@login_required
def home(request):
    user = request.user
    home_page = association_selectors.home(user=user)
    return render(
        request,
        "home.html",
        {
            "home": home_page,
            "plans_awaiting": plan_selectors.plans_awaiting(user=user),
            "my_decisions": meetings_selectors.my_decisions(user=user),
            "upcoming": schedule.upcoming_meetings(user=user),
            "attestation_warnings": attestation_selectors.home_warnings(user=user),
            "acknowledgment_prompt": instruction_selectors.acknowledgment_prompt(user=user),
            "open_recommendations": visit_selectors.open_recommendations(user=user),
            "bank_drafts": bank_selectors.drafts_count(user=user),
            # The methodologist's (and the district's staff's) dashboard; None for everyone else.
            "dashboard": dashboard_selectors.dashboard(user=user, year=home_page.year, params=request.GET),
        },
    )
