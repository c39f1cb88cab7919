# A minimal Django project for test/tools/run.sh: the app "shop" has two sets
# of migrations, chosen by MG_SET (bad: a blocking index and a dropped column;
# good: the index built CONCURRENTLY in a migration without a transaction).
import os

SECRET_KEY = "migration_guard tools test"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
INSTALLED_APPS = ["shop.apps.ShopConfig"]
MIGRATION_MODULES = {"shop": "shop.migrations_" + os.environ.get("MG_SET", "bad")}
# HOST, PORT and USER come from libpq's environment (PGHOST, PGPORT, PGUSER).
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ["MG_DB"],
        "OPTIONS": {"application_name": "django-migrate"},
    }
}
