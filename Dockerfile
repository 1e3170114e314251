# Fordra's production image: gunicorn (web), Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    FORDRA_VAR_DIR=/app/var

# WeasyPrint's native libraries; libharfbuzz-subset0 makes font subsetting ~6x faster.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml dev.py ./
RUN python dev.py requirements --production > /tmp/requirements.txt \
 && pip install --no-cache-dir -r /tmp/requirements.txt \
 && rm /tmp/requirements.txt

COPY . .
# collectstatic reads the production settings, which insist on a secret; this one exists only here.
RUN SECRET_KEY=collectstatic-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz \
    ALLOWED_HOSTS=build python manage.py collectstatic --noinput --verbosity 0 \
 && useradd --system --home /app fordra \
 && mkdir -p /app/var/media \
 && chown -R fordra /app/var \
 && chmod 700 /app/var /app/var/media  # letters and documents: the app user's alone

USER fordra
VOLUME ["/app/var"]
EXPOSE 8000
# The access log leaves out the query string and the referrer: a search for a debtor by personnummer
# (/debtors/?q=…) would write the number into the log.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", \
     "--access-logformat", "%(h)s %(t)s \"%(m)s %(U)s %(H)s\" %(s)s %(b)s %(M)sms"]
