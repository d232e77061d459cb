from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "创建考评"

    def ready(self):
        from django.core import checks

        from assessments import signals  # noqa: F401  (connects the audit receivers)
        from pingan.pdf import check_font_subsetter

        checks.register(check_font_subsetter)
