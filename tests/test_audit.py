"""`make audit`: what fails it (a vulnerability with a fix) and what is only reported.

pip-audit itself needs its vulnerability service; here its JSON report is given, in the
shape pip-audit 2.10 writes it.
"""

import json
import subprocess
from unittest import mock

import pytest

from mus import audit


def report(*dependencies) -> dict:
    return {"dependencies": list(dependencies), "fixes": []}


def package(name, version, *vulns) -> dict:
    return {"name": name, "version": version, "vulns": list(vulns)}


def vuln(identifier, *fixed_in) -> dict:
    return {"id": identifier, "fix_versions": list(fixed_in)}


MUS = {"name": "mus", "skip_reason": "distribution marked as editable"}
UNKNOWN = {
    "name": "asgiref",
    "skip_reason": "Dependency not found on PyPI and could not be audited: asgiref (3.13.0)",
}


def run(found: dict, strict: bool = False) -> tuple[int, str]:
    status, lines = audit.verdict(audit.findings(found), strict)
    return status, "\n".join(lines)


def test_a_vulnerability_that_an_upgrade_fixes_fails_the_audit():
    status, text = run(
        report(package("django", "6.1.2", vuln("PYSEC-2026-1", "6.1.3", "6.0.10")), MUS)
    )
    assert status == 1
    assert "django 6.1.2: PYSEC-2026-1 (fixed in 6.1.3, 6.0.10)" in text


def test_a_vulnerability_without_a_fix_is_reported_but_does_not_fail():
    status, text = run(report(package("lxml", "6.2.0", vuln("GHSA-xxxx")), package("idna", "3.21")))
    assert status == 0
    assert "vulnerabilities without a fix (reported, not failing): 1" in text
    assert "lxml 6.2.0: GHSA-xxxx (no fixed version yet)" in text
    assert "pip-audit: 2 audited, 0 could not be audited" in text


def test_packages_the_service_does_not_know_are_said_not_to_be_audited():
    status, text = run(report(UNKNOWN, package("idna", "3.21"), MUS))
    assert status == 0
    assert "pip-audit: 1 audited, 1 could not be audited" in text
    assert "NOT AUDITED, so none of their vulnerabilities were checked: asgiref" in text
    # MUS itself is left out on purpose, not for want of a service.
    assert "mus" not in text.split("NOT AUDITED")[1]
    assert run(report(UNKNOWN), strict=True)[0] == 1
    assert run(report(MUS), strict=True)[0] == 0


@pytest.mark.parametrize(
    ("stdout", "returncode", "status"),
    [
        (json.dumps(report(package("django", "6.1.2", vuln("PYSEC-2026-1", "6.1.3")))), 1, 1),
        (json.dumps(report(package("django", "6.1.3"))), 0, 0),
        ("", 1, 2),  # pip-audit could not run: no report at all
    ],
    ids=["fixable", "clean", "pip-audit failed"],
)
def test_the_exit_status_of_make_audit(stdout, returncode, status):
    done = subprocess.CompletedProcess(audit.PIP_AUDIT, returncode, stdout, "ConnectionError")
    with mock.patch("mus.audit.subprocess.run", return_value=done) as pip_audit:
        assert audit.main() == status
    command = pip_audit.call_args.args[0]
    assert "--skip-editable" in command and "--local" in command
