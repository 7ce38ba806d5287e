"""Imported by tests.jobs.main_probe: appends this process's id to $INTENT_PROBE_RECORD."""

import os

with open(os.environ["INTENT_PROBE_RECORD"], "a") as record:
    record.write(f"{os.getpid()}\n")
