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
    # gunicorn merges this over its own defaults, whose root logger names a "console"
    # handler these handlers replace: without a root of its own it refuses to start.
    # (The portal's LOGGING takes the root logger over once Django is set up.)
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
    },
}
