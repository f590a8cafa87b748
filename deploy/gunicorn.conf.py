"""gunicorn's settings for magazine-web.service (and make scaletest, which runs the unit's command).

Everything that differs between machines comes from the environment file (deploy/magazine.env).
"""

import multiprocessing
import os

# Where nginx reaches this app server: its private address on a multi-machine site, loopback on one box.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
# Sync workers: one request each; Django's connections persist per worker (CONN_MAX_AGE).
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count() + 1)
# A request running longer than this is stuck: its worker is replaced (nginx answers the reader).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# On stop or restart (systemctl restart, a deploy), requests under way get this long to finish.
graceful_timeout = 30
# Workers are renewed now and then, so a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
# Only nginx may tell gunicorn the original scheme (Django reads X-Forwarded-Proto itself too).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
# The request id nginx generated (and the app echoes) ties this line to nginx's log and the app's.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s'
# Gunicorn 27's control socket is not used: systemd starts, reloads and stops the server.
control_socket_disable = True
