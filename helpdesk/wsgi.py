import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
application = get_wsgi_application()

# What is loaded by now (Django, the apps, their models and forms) lives as long as the process:
# moved out of the garbage collector's generations, a full collection no longer walks those
# ~150,000 objects (10-25 ms, once every few requests of a list page on the bench machine).
gc.freeze()
