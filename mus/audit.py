"""`make audit`: the installed dependencies against known vulnerabilities, with pip-audit.

A vulnerability that a newer release fixes fails the audit: upgrade. One without any
fixed version is reported and does not fail, since there is nothing to upgrade to yet.

pip-audit says "No known vulnerabilities found" also when its vulnerability service knew
none of the packages (it skips them, each with a reason) and so checked nothing: the
audit counts those and says so. With AUDIT_STRICT=1 a package not audited fails it too.
MUS itself (installed editable, and not on PyPI) is left out: a project of the same name
on PyPI is not ours.
"""

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field

PIP_AUDIT = [
    sys.executable,
    "-m",
    "pip_audit",
    "--local",  # this virtual environment's packages, not the system's
    "--skip-editable",  # MUS itself
    "--progress-spinner",
    "off",
    "--format",
    "json",
]


@dataclass
class Findings:
    audited: list[str] = field(default_factory=list)
    fixable: list[str] = field(default_factory=list)  # "django 6.1.2: PYSEC-… (fixed in 6.1.3)"
    unfixable: list[str] = field(default_factory=list)
    not_audited: dict[str, str] = field(default_factory=dict)  # name: the reason given


def findings(report: dict) -> Findings:
    """What pip-audit's JSON report says, sorted by what is to be done about it."""
    found = Findings()
    for dependency in report["dependencies"]:
        name = dependency["name"]
        if "skip_reason" in dependency:
            if dependency["skip_reason"] != "distribution marked as editable":
                found.not_audited[name] = dependency["skip_reason"]
            continue
        found.audited.append(name)
        for vulnerability in dependency["vulns"]:
            what = f"{name} {dependency['version']}: {vulnerability['id']}"
            if vulnerability["fix_versions"]:
                fixed_in = ", ".join(vulnerability["fix_versions"])
                found.fixable.append(f"{what} (fixed in {fixed_in})")
            else:
                found.unfixable.append(f"{what} (no fixed version yet)")
    return found


def verdict(found: Findings, strict: bool) -> tuple[int, list[str]]:
    """The exit status and the lines to print."""
    lines = [
        f"pip-audit: {len(found.audited)} audited, {len(found.not_audited)} could not be audited"
    ]
    if found.not_audited:
        lines += [
            f"NOT AUDITED, so none of their vulnerabilities were checked: "
            f"{', '.join(found.not_audited)}",
            f"  e.g. {next(iter(found.not_audited.values()))}",
        ]
    lines.append(f"vulnerabilities that an upgrade fixes: {len(found.fixable)}")
    lines += [f"  {entry}" for entry in found.fixable]
    lines.append(f"vulnerabilities without a fix (reported, not failing): {len(found.unfixable)}")
    lines += [f"  {entry}" for entry in found.unfixable]
    failed = bool(found.fixable) or (strict and bool(found.not_audited))
    return (1 if failed else 0), lines


def main() -> int:
    done = subprocess.run(PIP_AUDIT, capture_output=True, text=True)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        # It exits 1 both for "vulnerabilities found" and when it could not run at all.
        print(f"pip-audit could not audit (exit {done.returncode}):\n{done.stderr}")
        return 2
    status, lines = verdict(findings(report), strict=os.environ.get("AUDIT_STRICT") == "1")
    print("\n".join(lines))
    return status


if __name__ == "__main__":
    sys.exit(main())
