"""Runs `docker-compose config` jobs in one Python process.

The interpreter and entry point are the ones /usr/bin/docker-compose uses, so
each job is exactly `docker-compose <argv>`; only the ~0.4 s start-up is paid
once per worker instead of once per file. Jobs arrive as JSON lines on stdin
({"id", "argv", "cwd", "env"}), results leave as JSON lines on stdout
({"id", "code", "stdout", "stderr"}). Nothing is cached between jobs.
"""
import contextlib
import io
import json
import logging
import os
import sys
import time

from importlib.metadata import distribution

entry = next(e for e in distribution('docker-compose').entry_points if e.group == 'console_scripts' and e.name == 'docker-compose')
compose_main = entry.load()
reply = sys.stdout

for line in sys.stdin:
    job = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update(job['env'])
    os.chdir(job['cwd'])
    sys.argv = ['docker-compose', *job['argv']]
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            compose_main()
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 1)
        except Exception as failure:  # a crash inside compose is a refusal too
            code = 1
            err.write(f'{type(failure).__name__}: {failure}')
    # dispatch() adds a console handler per call; drop it so the next job logs only its own lines.
    logging.getLogger().handlers.clear()
    reply.write(json.dumps({'id': job['id'], 'code': code, 'stdout': out.getvalue(), 'stderr': err.getvalue()}) + '\n')
    reply.flush()

# The worker's CPU time, for the run's timing report.
reply.write(json.dumps({'cpu': time.process_time()}) + '\n')
