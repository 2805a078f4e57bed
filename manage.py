#!/usr/bin/env python
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gmc.settings")
    # A command (migrate, a data export) may wait on PostgreSQL longer than a web request;
    # the development server is a web process (gmc/database.py).
    os.environ.setdefault(
        "GMC_PROCESS_KIND", "web" if sys.argv[1:2] == ["runserver"] else "command"
    )
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
