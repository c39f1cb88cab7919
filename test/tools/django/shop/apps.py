import sys

from django.apps import AppConfig
from django.db.backends.signals import connection_created


class NoticesToStderr:
    """psycopg2 keeps the server's NOTICE and WARNING in connection.notices: print them."""

    def append(self, notice):
        sys.stderr.write(notice)


def forward_notices(sender, connection, **kwargs):
    if connection.vendor == "postgresql":
        connection.connection.notices = NoticesToStderr()


class ShopConfig(AppConfig):
    name = "shop"

    def ready(self):
        connection_created.connect(forward_notices)
