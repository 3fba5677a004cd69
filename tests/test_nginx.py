"""The sample reverse proxy (deploy/nginx/doradca.conf.template, issue 29 item 5), run: Debian's nginx, started by
the test as an unprivileged process on loopback with a throw-away certificate, in front of the real web process and
a stand-in for the Rasa server (tests/nginx_upstream.py: Sanic as Rasa runs it, with doradca.env's
SANIC_PROXIES_COUNT; the real Rasa server takes minutes to start and its chat is tested in test_e2e.py). Each client
connects from an address of its own in 127.0.0.0/8, so nginx and the servers count them apart.

Checked: only the product's paths are passed on (the rest 404, readiness for the monitoring only), bodies over
64 KiB get 413 before a server sees them, a burst over the chat's or the API's rate gets 429 for that address only,
the servers see the client's own address whatever X-Forwarded-For it forges (and the web process's rate limiter
counts by it), HSTS and the security headers are there once each, and plain HTTP is redirected."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from websockets.sync.client import connect as ws_connect

from index.config import ROOT
from services.processes import Assistant, Ports

from .conftest import free_port

NGINX = Path("/usr/sbin/nginx")
TEMPLATE = ROOT / "deploy" / "nginx" / "doradca.conf.template"
ENV_FILE = ROOT / "deploy" / "systemd" / "doradca.env"
RASA_PYTHON = ROOT / ".venv-rasa" / "bin" / "python"
SERVER_NAME = "doradca.test"
FRAME_ORIGIN = "https://www.pup.example"
BODY_LIMIT = 64 * 1024

pytestmark = [
    pytest.mark.skipif(not NGINX.exists(),
                       reason="needs Debian's nginx: `make /usr/sbin/nginx` (apt-get install nginx)"),
    pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs .venv-rasa (Sanic) for the Rasa stand-in: `make setup`"),
]


def render(template: str, values: dict[str, str]) -> str:
    """What the office's envsubst does: fills in ${NAME} for the listed names only (nginx's $vars stay)."""
    names = set(re.findall(r"\$\{([A-Z_]+)\}", template))
    assert names == set(values), f"placeholders of the template: {sorted(names)}"
    return re.sub(r"\$\{([A-Z_]+)\}", lambda m: values[m.group(1)], template)


def env_file() -> dict[str, str]:
    lines = [ln.split("=", 1) for ln in ENV_FILE.read_text().splitlines() if re.match(r"^[A-Z_]+=", ln)]
    return dict(lines)


def wait_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"port {port} not open after {timeout} s:\n{log.read_text(errors='replace')[-3000:]}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@dataclass
class Proxy:
    https: int
    http: int
    cafile: Path
    upstream: int  # the Rasa stand-in, asked directly
    folder: Path  # nginx's prefix: its pid file, logs, temporary files

    def request(self, method: str, path: str, src: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, list[tuple[str, str]], bytes]:
        """One HTTPS request from the client address ``src``: status, every header (repeats kept), body."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.https, timeout=60, source_address=(src, 0),
                                           context=ssl.create_default_context(cafile=str(self.cafile)))
        try:
            conn.request(method, path, body=body, headers={"Host": SERVER_NAME, **(headers or {})})
            r = conn.getresponse()
            return r.status, r.getheaders(), r.read()
        finally:
            conn.close()

    def burst(self, method: str, path: str, src: str, n: int) -> list[int]:
        """``n`` requests back to back on one kept-alive connection: their statuses."""
        conn = http.client.HTTPSConnection("127.0.0.1", self.https, timeout=60, source_address=(src, 0),
                                           context=ssl.create_default_context(cafile=str(self.cafile)))
        statuses = []
        try:
            for _ in range(n):
                conn.request(method, path, body=b"{}" if method == "POST" else None, headers={"Host": SERVER_NAME})
                r = conn.getresponse()
                r.read()
                statuses.append(r.status)
        finally:
            conn.close()
        return statuses

    def seen(self) -> list[str]:
        return requests.get(f"http://127.0.0.1:{self.upstream}/_seen", timeout=10).json()


def headers_named(headers: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in headers if k.lower() == name.lower()]


def site_values(folder: Path, web: int, rasa: int, https: int, plain: int, cert: Path, key: Path) -> dict[str, str]:
    return {"DORADCA_WEB_PORT": str(web), "DORADCA_RASA_PORT": str(rasa),
            "DORADCA_HTTPS_LISTEN": f"127.0.0.1:{https}", "DORADCA_HTTP_LISTEN": f"127.0.0.1:{plain}",
            "DORADCA_SERVER_NAME": SERVER_NAME, "DORADCA_TLS_CERT": str(cert), "DORADCA_TLS_KEY": str(key),
            "DORADCA_FRAME_ANCESTORS": FRAME_ORIGIN, "DORADCA_ACCESS_LOG": str(folder / "access.log")}


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    return cert, key


def main_conf(folder: Path, site: Path) -> str:
    """nginx.conf of the test: Debian's MIME types, every path nginx writes in the temporary folder."""
    temps = "\n".join(f"  {kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                         "scgi"))
    return (f"worker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
            f"events {{ worker_connections 256; }}\n"
            f"http {{\n  include /etc/nginx/mime.types;\n{temps}\n  include {site};\n}}\n")


def unprivileged() -> dict:
    """Popen arguments to run as nobody when the tests run as root (nginx needs no privilege on a high port)."""
    if os.geteuid() != 0:
        return {}
    return {"user": "nobody", "group": "nogroup", "extra_groups": []}


def start_stand_in(folder: Path, port: int) -> subprocess.Popen:
    """The Rasa stand-in, with the proxy count of the production settings (doradca.env)."""
    log = folder / "upstream.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([str(RASA_PYTHON), str(ROOT / "tests" / "nginx_upstream.py"), str(port)], cwd=ROOT,
                                env={**os.environ, "SANIC_PROXIES_COUNT": env_file()["DORADCA_PROXIES_COUNT"]},
                                stdout=out, stderr=subprocess.STDOUT)
    wait_port(port, proc, log)
    return proc


def start_nginx(folder: Path, site_text: str, port: int) -> subprocess.Popen:
    """nginx with the rendered site, everything it reads and writes in ``folder``, as nobody when run as root."""
    site, conf, log = folder / "doradca.conf", folder / "nginx.conf", folder / "error.log"
    site.write_text(site_text)
    conf.write_text(main_conf(folder, site))
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "nobody:nogroup", str(folder)], check=True)
    proc = subprocess.Popen([str(NGINX), "-p", str(folder), "-c", str(conf), "-e", str(log), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, **unprivileged())
    wait_port(port, proc, log)
    return proc


@pytest.fixture(scope="module")
def proxy():
    folder = Path(tempfile.mkdtemp(prefix="doradca-nginx-"))
    procs: list[subprocess.Popen] = []
    web = None
    try:
        rasa_port, https, plain = free_port(), free_port(), free_port()
        procs.append(start_stand_in(folder, rasa_port))
        # the real web process (its own folder: logs), with 3 searches a minute per address
        web = Assistant(Ports(rasa=rasa_port, actions=free_port(), web=free_port()),
                        log_dir=Path(tempfile.mkdtemp(prefix="doradca-nginx-web-")),
                        extra_env={"DORADCA_API_PER_MINUTE": "3"})
        web.start_web()
        cert, key = make_certificate(folder)
        site = render(TEMPLATE.read_text(), site_values(folder, web.ports.web, rasa_port, https, plain, cert, key))
        procs.append(start_nginx(folder, site, https))
        yield Proxy(https=https, http=plain, cafile=cert, upstream=rasa_port, folder=folder)
    finally:
        for proc in reversed(procs):
            stop(proc)
        if web is not None:
            web.stop()
            shutil.rmtree(web.log_dir, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)


def test_nginx_runs_unprivileged(proxy: Proxy):
    pid = int((proxy.folder / "nginx.pid").read_text())
    assert os.stat(f"/proc/{pid}").st_uid != 0  # the master process; its workers are its children


UNSERVED = ["/metrics", "/webhooks/rest/", "/webhooks/socketio/", "/webhooks/rest/webhook/x", "/version", "/status",
            "/conversations/x/tracker", "/model/parse", "/docs", "/vendor/socket.io-client/package.json",
            "/health", "/chat.html", "/.env", "/webhooks/telegram/", "/api", "/static", "/socket.io"]


def test_only_the_products_paths_are_passed_on(proxy: Proxy):
    for path in UNSERVED:
        status, _, _ = proxy.request("GET", path, "127.0.0.2")
        assert status == 404, path
    assert not set(proxy.seen()) & set(UNSERVED)  # nginx's own 404: none reached the Rasa server
    # what the pages and the API are: the web process answers
    for path, kind in [("/chat", "text/html"), ("/lookup", "text/html"), ("/static/chat.js", "javascript"),
                       ("/runtime-config.js", "javascript"), ("/openapi.json", "application/json"),
                       ("/api/health", "application/json"), ("/health/live", "application/json"),
                       ("/vendor/socket.io-client/dist/socket.io.min.js", "javascript")]:
        status, headers, _ = proxy.request("GET", path, "127.0.0.2")
        assert status == 200 and kind in headers_named(headers, "content-type")[0], path
    status, headers, _ = proxy.request("GET", "/", "127.0.0.2")
    assert status in (302, 307) and headers_named(headers, "location") == ["/chat"]
    # the chat and the messengers' webhooks: the Rasa server answers
    for path in ["/webhooks/rest/webhook", "/webhooks/telegram/webhook", "/webhooks/facebook/webhook"]:
        status, _, body = proxy.request("POST", path, "127.0.0.2", body=b"{}")
        assert status == 200 and json.loads(body)["path"] == path
    # readiness tells which server is down: the monitoring's address only
    assert proxy.request("GET", "/health/ready", "127.0.0.2")[0] == 403
    assert proxy.request("GET", "/health/ready", "127.0.0.1")[0] in (200, 503)  # 503: no action server here


def test_the_chat_websocket_is_passed_on_with_the_clients_address(proxy: Proxy):
    context = ssl.create_default_context(cafile=str(proxy.cafile))
    with ws_connect(f"wss://127.0.0.1:{proxy.https}/socket.io/?EIO=4&transport=websocket", ssl=context,
                    server_hostname="127.0.0.1", source_address=("127.0.0.3", 0),
                    additional_headers={"X-Forwarded-For": "198.51.100.1"}) as ws:
        got = json.loads(ws.recv(timeout=30))
    assert got["path"] == "/socket.io/" and got["remote_addr"] == "127.0.0.3"


def test_bodies_over_64_kib_are_refused_before_any_server(proxy: Proxy):
    reached = len(proxy.seen())
    for path in ["/webhooks/rest/webhook", "/api/classify"]:
        status, headers, body = proxy.request("POST", path, "127.0.0.2", body=b"x" * (BODY_LIMIT + 1024))
        assert status == 413 and b"<html>" in body, path  # nginx's page, not the server's JSON
    assert len(proxy.seen()) == reached  # the Rasa server never saw the large one
    status, _, body = proxy.request("POST", "/webhooks/rest/webhook", "127.0.0.2", body=b"x" * (BODY_LIMIT - 1024))
    assert status == 200 and json.loads(body)["bytes"] == BODY_LIMIT - 1024
    # a whole file for /api/batch has its own limit: it reaches the web process (which says what it thinks of it)
    table = b"kolumna\n" + (b"x" * 60 + b"\n") * 2000  # 120 KiB, no title column: the web process's 422
    status, headers, _ = proxy.request("POST", "/api/batch", "127.0.0.2", body=table,
                                       headers={"Content-Type": "text/csv"})
    assert status == 422 and "application/json" in headers_named(headers, "content-type")[0]


def test_a_burst_over_the_chat_rate_gets_429_for_that_address_only(proxy: Proxy):
    statuses = proxy.burst("POST", "/webhooks/rest/webhook", "127.0.0.4", 45)
    assert statuses[:20] == [200] * 20  # burst 20 at 5 a second
    assert statuses.count(429) >= 10 and statuses[-1] == 429, statuses  # refused ones take no upstream time
    assert proxy.request("POST", "/webhooks/rest/webhook", "127.0.0.5", body=b"{}")[0] == 200
    status, headers, _ = proxy.request("POST", "/webhooks/rest/webhook", "127.0.0.4", body=b"{}")
    assert status == 429 and headers_named(headers, "strict-transport-security")


def test_a_burst_over_the_api_rate_gets_429_for_that_address_only(proxy: Proxy):
    statuses = proxy.burst("GET", "/api/no-such-route", "127.0.0.6", 90)
    assert statuses[:40] == [404] * 40  # burst 40 at 10 a second; the web process's own 404
    assert statuses.count(429) >= 20 and statuses[-1] == 429, statuses
    assert proxy.request("GET", "/api/no-such-route", "127.0.0.7")[0] == 404


def test_servers_see_the_clients_address_whatever_it_forges(proxy: Proxy):
    forged = {"X-Forwarded-For": "203.0.113.9", "Forwarded": "for=203.0.113.9", "X-Real-IP": "203.0.113.9"}
    status, _, body = proxy.request("POST", "/webhooks/rest/webhook", "127.0.0.8", body=b"{}", headers=forged)
    got = json.loads(body)
    assert status == 200 and got["x_forwarded_for"] == "127.0.0.8" and got["remote_addr"] == "127.0.0.8"
    assert got["forwarded"] is None and not got["x_real_ip"]


def test_the_web_processs_rate_limit_counts_the_forwarded_client(proxy: Proxy):
    """3 searches a minute per address: a client that forges a new X-Forwarded-For each time is still refused the
    4th, and another client (the same proxy, 127.0.0.1, to the web process) is not."""
    path = "/api/search?q=co+robi+piekarz"
    answers = [proxy.request("GET", path, "127.0.0.9", headers={"X-Forwarded-For": f"203.0.113.{i}"})
               for i in range(4)]
    assert [a[0] for a in answers] == [200, 200, 200, 429]
    assert json.loads(answers[3][2])["reason"] == "rate_limited"  # the web process's refusal, not nginx's
    assert proxy.request("GET", path, "127.0.0.10")[0] == 200


def test_hsts_and_the_pages_headers_once_each(proxy: Proxy):
    _, chat, _ = proxy.request("GET", "/chat", "127.0.0.11")
    _, lookup, _ = proxy.request("GET", "/lookup", "127.0.0.11")
    _, rest, _ = proxy.request("POST", "/webhooks/rest/webhook", "127.0.0.11", body=b"{}")
    _, missing, _ = proxy.request("GET", "/nothing", "127.0.0.11")
    for headers in (chat, lookup, rest, missing):
        assert headers_named(headers, "strict-transport-security") == ["max-age=31536000; includeSubDomains"]
        assert headers_named(headers, "x-content-type-options") == ["nosniff"]
        assert headers_named(headers, "referrer-policy") == ["no-referrer"]
        assert "microphone=()" in headers_named(headers, "permissions-policy")[0]
        assert headers_named(headers, "server") == ["nginx"]  # no version, no uvicorn
    # the chat page may be framed by the office's site (embed.js); nothing else by anyone
    assert headers_named(chat, "x-frame-options") == []
    policies = headers_named(chat, "content-security-policy")
    assert len(policies) == 2 and "script-src 'self'" in policies[0]  # the web process's own, kept as it is
    assert policies[1] == f"frame-ancestors 'self' {FRAME_ORIGIN}"
    assert headers_named(lookup, "x-frame-options") == ["DENY"]
    assert len(headers_named(lookup, "content-security-policy")) == 1
    for headers in (rest, missing):  # answers that have no policy of their own get a closed one
        assert headers_named(headers, "content-security-policy") == ["default-src 'none'; frame-ancestors 'none'"]


def test_plain_http_is_redirected_to_https(proxy: Proxy):
    conn = http.client.HTTPConnection("127.0.0.1", proxy.http, timeout=30)
    conn.request("GET", "/chat?x=1", headers={"Host": SERVER_NAME})
    r = conn.getresponse()
    assert r.status == 301 and r.getheader("location") == f"https://{SERVER_NAME}/chat?x=1"
    conn.close()


def test_the_access_log_has_no_query_strings(proxy: Proxy):
    proxy.request("GET", "/api/occupations?q=Jan+Kowalski+PESEL", "127.0.0.12")
    log = proxy.folder / "access.log"
    deadline = time.monotonic() + 10
    while "/api/occupations" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.2)
    text = log.read_text()
    assert '"GET /api/occupations HTTP/1.1" 200' in text and "Kowalski" not in text


@pytest.fixture()
def scratch():
    """A temporary folder nginx can use as nobody (pytest's own are readable by their user only)."""
    folder = Path(tempfile.mkdtemp(prefix="doradca-nginx-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_the_site_loads_in_debians_own_nginx_conf(scratch: Path):
    """How an office installs it: the rendered file in sites-enabled/ under Debian's /etc/nginx/nginx.conf (a copy,
    with its paths moved into a temporary folder so that nginx -t runs unprivileged)."""
    etc = scratch / "etc"
    shutil.copytree("/etc/nginx", etc, ignore=shutil.ignore_patterns("sites-enabled"))
    (etc / "sites-enabled").mkdir()
    cert, key = make_certificate(scratch)
    (etc / "sites-enabled" / "doradca").write_text(render(TEMPLATE.read_text(), site_values(
        scratch, free_port(), free_port(), free_port(), free_port(), cert, key)))  # nginx -t binds
    conf = (etc / "nginx.conf").read_text()
    assert "include /etc/nginx/sites-enabled/*;" in conf
    temps = "".join(f"{kind}_temp_path {scratch / kind}; " for kind in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                          "scgi"))
    conf = (conf.replace("/etc/nginx/", f"{etc}/").replace("/var/log/nginx/", f"{scratch}/")
            .replace("/run/nginx.pid", str(scratch / "nginx.pid")).replace("http {", "http { " + temps, 1))
    (etc / "nginx.conf").write_text(conf)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "nobody:nogroup", str(scratch)], check=True)
    out = subprocess.run([str(NGINX), "-t", "-p", str(scratch), "-c", str(etc / "nginx.conf"), "-e",
                          str(scratch / "error.log")], check=False, capture_output=True, text=True, **unprivileged())
    assert out.returncode == 0 and "test is successful" in out.stderr, out.stderr
    warnings = [ln for ln in out.stderr.splitlines() if "[warn]" in ln and '"user" directive' not in ln]
    assert not warnings  # e.g. a duplicate zone, map or log_format name, or a directive Debian's file sets too
