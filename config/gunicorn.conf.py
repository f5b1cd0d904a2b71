"""gunicorn settings for the web process: `gunicorn config.wsgi -c config/gunicorn.conf.py`.

gunicorn reads this file before Django starts, so these few process settings
come from the environment here rather than from config/settings.py:

- HOST, PORT: where to listen (default 127.0.0.1:8000; put a reverse proxy
  that terminates HTTPS in front and let it set X-Forwarded-Proto);
- WEB_CONCURRENCY: worker processes (default 2 × cores + 1, at most 8);
- GUNICORN_THREADS: threads per worker (default 4).

Requests never render a PDF for people to read (task workers render and store
them); the one render left in a request, checking that a letter or agreement
text someone saves without previewing it still makes a PDF, runs in a child
process with its own time limit. Threads let a worker answer other pages
while one waits, and several workers use every core.
"""

import os


def _cores() -> int:
    # The cores this process may run on (a container's limit), not the host's.
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", str(min(2 * _cores() + 1, 8))))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = 60
graceful_timeout = 30
keepalive = 5
# Restart each worker now and then, so that memory a long-lived process
# accumulates (PDF rendering, fonts) is given back; the jitter keeps the
# workers from restarting all at once.
max_requests = 2000
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# Nothing on local disk (`make test-scale-out` checks it): the workers' heartbeat files live
# in memory (/dev/shm, a tmpfs) rather than in /tmp, and there is no control socket
# (gunicornc's; by default $HOME/.gunicorn/gunicorn.ctl, one path for every gunicorn of
# the machine, so a second one would take it from the first).
SHARED_MEMORY = "/dev/shm"  # noqa: S108 — gunicorn's own advice for its heartbeat files
if os.path.isdir(SHARED_MEMORY):
    worker_tmp_dir = SHARED_MEMORY
control_socket_disable = True
# With object storage (MIKROGRANTY_S3_BUCKET), a download is an object read into memory:
# offered to sendfile(), it would first be copied into a temporary file on disk (asking
# an in-memory file for its file descriptor does that). Files on local disk keep sendfile.
if os.environ.get("MIKROGRANTY_S3_BUCKET"):
    sendfile = False
