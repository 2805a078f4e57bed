"""gunicorn's settings for the web process (Procfile: ``gunicorn -c deploy/gunicorn.conf.py``).

Its access and error logs go through the project's redacting filter, so that no line
carries an email address or a secret path (a ticket code, a calendar feed token).
"""

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "gmc.privacy.RedactingFilter"}},
    "formatters": {
        "access": {"format": "%(message)s"},
        "error": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
    },
    "handlers": {
        "access": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "access",
            "filters": ["redact"],
        },
        "error": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "error",
            "filters": ["redact"],
        },
    },
    # gunicorn's own defaults name a "console" handler for the root logger, and this
    # dictionary replaces their handlers: without a root of its own, gunicorn refuses to
    # start ("Unable to configure root logger"). Django's LOGGING takes the root over
    # once the application loads.
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}
