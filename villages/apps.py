from django.apps import AppConfig


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = "行政区划与人员"

    def ready(self):
        from villages import signals  # noqa: F401  (audits sign-ins and sign-outs)
