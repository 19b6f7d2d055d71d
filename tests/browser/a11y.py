"""axe-core in the browser tests: `assert_accessible(page)` runs the axe-core that
axe-playwright-python bundles (axe.min.js, nothing fetched) on the page as it is now, against the
WCAG 2.0, 2.1 and 2.2 rules of levels A and AA, and fails listing every serious or critical
violation: the rule, what it asks for, and the elements (CSS selectors) that break it.
Minor and moderate findings are not failures (issue 16: "no serious or critical violation")."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

#: The rule sets of WCAG 2.2 AA: every level-A and level-AA rule of 2.0, 2.1 and 2.2.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
FAILING_IMPACTS = {"serious", "critical"}

_axe = Axe()


def violations(page) -> list[dict]:
    """The serious and critical WCAG A/AA violations axe finds on the page."""
    options = {"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]}
    results = _axe.run(page, options=options)
    return [v for v in results.response["violations"] if v.get("impact") in FAILING_IMPACTS]


def describe(found: list[dict]) -> str:
    """One line per rule, then its elements (at most 8 of them), for an assertion message."""
    lines = []
    for violation in found:
        targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]]
        more = f" … and {len(targets) - 8} more" if len(targets) > 8 else ""
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append("    " + "; ".join(targets[:8]) + more)
    return "\n".join(lines)


def assert_accessible(page) -> None:
    """No serious or critical WCAG 2.2 A/AA violation on the page (axe-core)."""
    found = violations(page)
    if found:
        width = page.viewport_size["width"] if page.viewport_size else "?"
        raise AssertionError(f"{page.url} at {width} px, axe-core:\n{describe(found)}")
