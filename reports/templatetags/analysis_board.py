"""`{% analysis_board_url association year as url %}`: the methodologist's board of the district's
analyses (`reports:analysis_board`) for a district РМО's analysis page, when the user reads it
(the kind «analysis_board»); "" otherwise. No query: the association is loaded with its district."""

from django import template

from reports.analysis.selectors import board_url

register = template.Library()


@register.simple_tag(takes_context=True)
def analysis_board_url(context, association, year) -> str:
    request = context.get("request")
    if request is None:
        return ""
    return board_url(request.user, association, year)
