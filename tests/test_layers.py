"""The layering of the apps: reports > meetings > associations (and rmo_portal above them all).

A lower app imports nothing of a higher one — import-linter's contracts in pyproject.toml
([tool.importlinter]) say so for the Python code, and are run here too, so that a violation
fails the suite locally and not only in CI (.ci/run). Templates are no Python: a lower app's
template naming a URL of a higher app ({% url 'meetings:…' %} in associations) is the same
dependency, which no import linter sees; the scan below does. The links a lower page shows to
higher pages come from the registries of associations.links, which the higher apps fill in.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from associations import links
from tests import factories as f
from tests.helpers import login

ROOT = Path(__file__).resolve().parent.parent

#: Lowest first; rmo_portal, the composition root, sits above them all.
LAYERS = ("associations", "meetings", "reports")

LOWER_APPS = [(app, LAYERS[i + 1 :]) for i, app in enumerate(LAYERS) if LAYERS[i + 1 :]]


def higher_app_references(text: str, higher: tuple[str, ...]) -> list[str]:
    """What in a template's text names a higher app: {% url 'app:…' %} (either quote, any
    spacing), and {% include / extends "app/…" %} of its templates."""
    names = "|".join(re.escape(app) for app in higher)
    url = re.compile(r"""\{%\s*url\s+(['"])(?:""" + names + r"""):[^'"]*\1""")
    template = re.compile(r"""\{%\s*(?:include|extends)\s+(['"])(?:""" + names + r""")/[^'"]*\1""")
    return [m.group(0) for pattern in (url, template) for m in pattern.finditer(text)]


def _templates_of(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app / "templates").rglob("*") if p.is_file())


def test_the_scan_catches_what_it_looks_for():
    higher = ("meetings", "reports")
    found = higher_app_references(
        """{% url 'meetings:meeting' m.pk %} {% url "reports:plan_pdf" plan.pk as pdf %}
           {%url  'reports:district_plans'%} {% include "meetings/decision_table.html" %}
           {% url 'associations:detail' a.pk %} {# reports: a comment #} {% include "associations/x.html" %}""",
        higher,
    )
    assert found == [
        "{% url 'meetings:meeting'",
        '{% url "reports:plan_pdf"',
        "{%url  'reports:district_plans'",
        '{% include "meetings/decision_table.html"',
    ]


@pytest.mark.parametrize(("app", "higher"), LOWER_APPS, ids=[app for app, _ in LOWER_APPS])
def test_lower_templates_name_no_url_of_a_higher_app(app, higher):
    templates = _templates_of(app)
    assert templates, f"no templates found under {app}/templates"
    offences = [
        f"{path.relative_to(ROOT)}: {reference}"
        for path in templates
        for reference in higher_app_references(path.read_text(encoding="utf-8"), higher)
    ]
    assert not offences, (
        f"{app} sits below {', '.join(higher)}: its templates link to their pages only through "
        "the registries of associations.links, which the higher app fills in in its ready().\n"
        + "\n".join(offences)
    )


@pytest.mark.parametrize("module", ["rendering.py", "word.py"])
def test_rendering_imports_no_orm(module):
    """reports.rendering (template + context in, PDF bytes out) and reports.word (the DOCX
    builder) import no model; the contract forbids the apps, and this the ORM, which
    import-linter cannot forbid apart from Django."""
    tree = ast.parse((ROOT / "reports" / module).read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name == "django.db" or name.startswith("django.db.")]


# --- import-linter ------------------------------------------------------------------------------


def _lint_imports() -> str:
    candidate = Path(sys.executable).with_name("lint-imports")
    found = str(candidate) if candidate.exists() else shutil.which("lint-imports")
    if found is None:
        pytest.skip("lint-imports is not installed (pip install -e .[dev])")
    return found


def _run_lint_imports(cwd: Path, *, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own venv's executable, fixed arguments)
        [_lint_imports(), "--no-cache", "--no-logo"],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False,
    )


def test_the_import_contracts_are_kept():
    result = _run_lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_import_contracts_catch_a_violation(tmp_path):
    """The contracts bite: in a copy of the code, one forbidden import for each contract."""
    _lint_imports()  # skips the test when it is not installed
    for package in (*LAYERS, "rmo_portal"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    violations = {
        "associations/links.py": "import meetings.models",
        "reports/rendering.py": "import associations.models",
        "reports/word.py": "import meetings.models",
        "meetings/selectors.py": "import rmo_portal.demo",
        "rmo_portal/editors.py": "import reports.selectors",
    }
    for path, line in violations.items():
        with (tmp_path / path).open("a", encoding="utf-8") as module:
            module.write(f"\n{line}  # noqa\n")
    # The copy first on the path: the editable install's finder comes after it.
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = _run_lint_imports(tmp_path, env=env)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "0 kept, 4 broken" in output, output
    for path in violations:
        importer = path.removesuffix(".py").replace("/", ".")
        assert importer in output, output


# --- the extension point ------------------------------------------------------------------------


def test_the_higher_apps_register_their_links_at_start_up():
    from meetings import links as meeting_links
    from reports import links as report_links

    assert meeting_links.plan_item_links in links.plan_item_links.providers
    assert meeting_links.association_links in links.association_links.providers
    assert report_links.plan_links in links.plan_links.providers


def test_the_pages_of_associations_stand_without_the_apps_above(world, monkeypatch):
    """With nothing registered (as if meetings and reports were not installed), the association
    page and the plan page still render, and link to none of their pages."""
    for registry in (links.plan_item_links, links.association_links, links.plan_links):
        monkeypatch.setattr(registry, "_providers", [])
    plan = f.plan_with_items(world.mo, world.year, n_items=3)
    meeting = f.meeting_of_item(plan.items.first())
    client = login(world.head)
    association_page = client.get(reverse("associations:detail", args=[world.mo.pk])).content.decode()
    plan_page = client.get(reverse("associations:plan", args=[plan.pk])).content.decode()
    assert 'data-testid="members"' in association_page
    assert 'data-testid="meetings-card"' not in association_page
    for href in (
        reverse("meetings:association_meetings", args=[world.mo.pk]),
        reverse("meetings:meeting_create", args=[world.mo.pk]),
    ):
        assert f'href="{href}' not in association_page
    assert plan_page.count('data-testid="plan-item"') == 3
    assert 'data-testid="item-meeting"' not in plan_page
    for href in (
        reverse("meetings:meeting", args=[meeting.pk]),
        reverse("reports:plan_pdf", args=[plan.pk]),
        reverse("reports:plan_xlsx", args=[plan.pk]),
    ):
        assert f'href="{href}"' not in plan_page
