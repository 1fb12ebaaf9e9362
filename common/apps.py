from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CommonConfig(AppConfig):
    """What every app may use and that knows nothing of MUS's domain: text fields,
    the reader's alphabet, reading posted values, PDFs."""

    name = "common"

    def ready(self):
        from common.collation import register_sqlite_collations

        connection_created.connect(register_sqlite_collations, dispatch_uid="common.collations")
