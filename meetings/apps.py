from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Заседания и протоколы")

    def ready(self):
        # associations links to meetings without importing them: meetings fills in the
        # registries of associations.links (the plan items' meetings, the association's page,
        # the meeting a visit was to).
        from associations import links
        from meetings import links as meeting_links
        from meetings.visits import links as visit_links

        links.plan_item_links.register(meeting_links.plan_item_links)
        links.association_links.register(meeting_links.association_links)
        links.visit_links.register(visit_links.visit_links)
