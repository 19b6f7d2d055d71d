"""Documents are someone's school's or district's: no shared cache may keep them. The plan's PDF
and XLSX and the district's table answered without Cache-Control (issue 10, point 16)."""

from django.urls import reverse

from tests import factories as f


def test_the_plans_documents_are_private(world, client_for):
    plan = f.plan_document(world.mo, world.year, items=3)
    client = client_for(world.head)
    for name in ("reports:plan_pdf", "reports:plan_xlsx"):
        response = client.get(reverse(name, args=[plan.pk]))
        assert response.status_code == 200
        assert response["Cache-Control"] == "private", name
    table = client_for(world.methodologist).get(reverse("reports:district_plans_xlsx"))
    assert table["Cache-Control"] == "private"
