"""Runs docker-compose v1's own `config` loading (what `docker-compose config -q`
does before it prints) on many compose files in one process, so the corpus
check costs one Python start instead of one per file.

stdin: JSON list of {"dir": ..., "file": ...}; stdout: one JSON object per
line, {"ok": true} or {"ok": false, "error": "..."}, in the same order.
"""
import json
import logging
import os
import sys

logging.disable(logging.CRITICAL)

from compose.cli.command import get_config_from_options  # noqa: E402

for item in json.load(sys.stdin):
    try:
        os.chdir(item["dir"])
        get_config_from_options(".", {"--file": [item["file"]]}, {"--no-interpolate": False})
        result = {"ok": True}
    except Exception as err:  # every failure is a rejection, reported with its message
        result = {"ok": False, "error": (str(err) or type(err).__name__)[:2000]}
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
