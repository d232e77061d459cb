from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "数据接口"

    def ready(self):
        from api.webhooks import queue_deliveries
        from audit.trail import listen_to_entries

        listen_to_entries(queue_deliveries)
