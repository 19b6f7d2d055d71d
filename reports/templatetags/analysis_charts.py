"""`{% analysis_charts figures as charts %}`: the annual analysis' charts (`reports.analysis.charts`)
of the figures a page shows, for `reports/analysis/_figures.html` (no query: the figures only)."""

from django import template

from reports.analysis.charts import year_charts

register = template.Library()


@register.simple_tag
def analysis_charts(figures) -> dict:
    return year_charts(figures)
