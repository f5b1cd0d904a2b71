from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo programme; the last app in the pipeline, so it may use them all."""

    name = "demo"
    verbose_name = "Demo programme"
