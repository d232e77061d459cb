from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = "行政区划与人员"

    def ready(self):
        from audit.trail import listen_to_entries, watch_entries
        from pingan.freshness import retire_on_change
        from villages import signals  # noqa: F401  (audits sign-ins and sign-outs)

        watch_entries(retire_on_change)
        listen_to_entries(retire_on_change)
