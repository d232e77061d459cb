from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "创建考评"

    def ready(self):
        from assessments import signals  # noqa: F401  (connects the audit receivers)
