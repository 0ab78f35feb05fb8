"""The portal under a production WSGI server (`make serve`: gunicorn)."""
