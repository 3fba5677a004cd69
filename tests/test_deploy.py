"""The systemd units in deploy/systemd: every key known to systemd, every command present, settings complete."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from index.config import ROOT

UNITS = ROOT / "deploy" / "systemd"
INSTALLED_AT = "/opt/doradca"


def installed(tmp_path: Path) -> list[Path]:
    """The units as `README: Running as a service` installs them, with this checkout in place of /opt/doradca."""
    out = []
    for unit in sorted(UNITS.glob("doradca*.*")):
        if unit.suffix in (".service", ".target", ".timer"):
            target = tmp_path / unit.name
            target.write_text(unit.read_text().replace(INSTALLED_AT, str(ROOT)))
            out.append(target)
    return out


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_units_verify_cleanly(tmp_path: Path):
    units = installed(tmp_path)
    assert {u.name for u in units} == {"doradca.target", "doradca-actions.service", "doradca-rasa.service",
                                       "doradca-web.service", "doradca-retention.service", "doradca-retention.timer"}
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", *map(str, units)], capture_output=True,
                          text=True, timeout=120, check=False)
    # an unknown key or section is only a warning for systemd: any output fails the test
    assert done.returncode == 0 and not done.stderr.strip() and not done.stdout.strip(), done.stderr


def test_units_have_the_service_settings():
    for unit in UNITS.glob("*.service"):
        text = unit.read_text()
        # oneshot
        servers = () if unit.name == "doradca-retention.service" else ("Restart=on-failure", "StartLimitBurst=")
        for required in ("User=doradca", "MemoryMax=", "EnvironmentFile=-/etc/doradca/doradca.env",
                         "NoNewPrivileges=yes", *servers):
            assert required in text, f"{unit.name} lacks {required}"
        assert "0.0.0.0" not in text and ("127.0.0.1" in text), f"{unit.name} must listen on loopback only"


def test_environment_file_sets_every_variable_the_units_use():
    used = {v for unit in UNITS.glob("*.service") for v in re.findall(r"\$\{(\w+)\}", unit.read_text())}
    env = dict(line.split("=", 1) for line in (UNITS / "doradca.env").read_text().splitlines()
               if line and not line.startswith("#"))
    assert used and used <= set(env), used - set(env)


@pytest.mark.skipif(shutil.which("logrotate") is None, reason="logrotate not installed: run `make services`")
def test_logrotate_rotates_the_logs_of_a_running_server_without_losing_what_follows(tmp_path: Path):
    """deploy/logrotate/doradca for real on a log a server holds open for appending (as `doradca bot run` opens
    them): the old lines move to rasa.log.1, the next ones start the emptied file, nothing in between is lost."""
    logs = tmp_path / "logs"
    logs.mkdir()
    conf = (ROOT / "deploy" / "logrotate" / "doradca").read_text()
    assert "/opt/doradca/build/logs/*.log" in conf and "copytruncate" in conf
    conf = conf.replace("/opt/doradca/build/logs", str(logs))
    conf = re.sub(r"^\s*su .*$", "", conf, flags=re.MULTILINE)  # the doradca user does not exist here
    (tmp_path / "doradca.conf").write_text(conf)
    with (logs / "rasa.log").open("ab") as server:  # what the launcher gives the server as its stdout
        server.write(b"before rotation\n" * 100)
        server.flush()
        out = subprocess.run(["logrotate", "--force", "--state", str(tmp_path / "state"),
                              str(tmp_path / "doradca.conf")],
                             capture_output=True, text=True, timeout=60, check=False)
        assert out.returncode == 0, out.stderr
        server.write(b"after rotation\n")
        server.flush()
    assert (logs / "rasa.log.1").read_bytes() == b"before rotation\n" * 100
    assert (logs / "rasa.log").read_bytes() == b"after rotation\n"  # appended at the start: no hole of zeros
