from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "创建考评"

    def ready(self):
        from django.core import checks

        from assessments.selectors.town_review import confirmed_profile_figures
        from assessments.tallies import mark_stale
        from audit.trail import watch_entries
        from pingan.pdf import check_font_subsetter
        from villages.figures import register_source

        checks.register(check_font_subsetter)
        register_source(confirmed_profile_figures)
        watch_entries(mark_stale)
