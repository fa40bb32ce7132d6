# The helpdesk image: web (gunicorn), worker and beat (Celery) all run from it; see docker-compose.yml.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HELPDESK_VAR_DIR=/app/var \
    MEDIA_ROOT=/app/var/media \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint (ticket PDFs) renders with Pango and HarfBuzz; DejaVu covers Latin, Cyrillic,
# Polish and Czech. gettext compiles the translations.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/helpdesk helpdesk

WORKDIR /app
COPY requirements.lock ./
RUN pip install -r requirements.lock

# The code stays owned by root (read-only for the app); only var/ (media, beat's schedule) is writable.
COPY . .
# Every step that loads the settings gets a throwaway key: no development key is made and baked into the image.
RUN if [ -d locale ]; then SECRET_KEY=build-only-not-secret python manage.py compilemessages --ignore=.venv; fi \
    && DEBUG=0 SECRET_KEY=build-only-not-secret ALLOWED_HOSTS=build python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media \
    && chown -R helpdesk:helpdesk /app/var

USER helpdesk
EXPOSE 8000
CMD ["gunicorn", "helpdesk.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
