# supplierdev: API server image. Build: docker build -t supplierdev .
FROM python:3.11-slim-bookworm

# Pango and HarfBuzz for WeasyPrint's PDF rendering; fonts with Latin accents.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 supplierdev
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY workflows ./workflows
COPY audit_templates ./audit_templates
RUN pip install --no-cache-dir . && mkdir -p /app/var && chown supplierdev:supplierdev /app/var

USER supplierdev
ENV SUPPLIERDEV_HOST=0.0.0.0 \
    SUPPLIERDEV_TEMPLATES_DIR=/app/audit_templates \
    SUPPLIERDEV_PORT=8000 \
    PYTHONUNBUFFERED=1
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status != 200)"
CMD ["sh", "-c", "supplierdev db upgrade && exec supplierdev serve"]
