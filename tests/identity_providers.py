"""Real identity providers for the SSO tests, started on loopback from tests/idp/.

`npm ci --prefix tests/idp` installs them (.ci/run does). Nothing is skipped: without
node or the packages the tests fail and say what to install.
"""

import shutil
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests

IDP = Path(__file__).resolve().parent / "idp"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def node_provider(script: str, *args: str, ready_path: str):
    node = shutil.which("node")
    if node is None:
        pytest.fail("The SSO tests need Node.js: apt-get install nodejs npm")
    if not (IDP / "node_modules").is_dir():
        pytest.fail("The SSO tests need their identity providers: npm ci --prefix tests/idp")
    port = free_port()
    process = subprocess.Popen(
        [node, str(IDP / script), str(port), *args],
        cwd=IDP,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            if process.poll() is not None:
                pytest.fail(f"{script} stopped: {process.stdout.read()}")
            try:
                if requests.get(base + ready_path, timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            pytest.fail(f"{script} did not answer on {base}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def configure_oidc(settings, issuer: str) -> None:
    """MUS's settings for the test provider, as the environment would give them."""
    settings.OIDC_RP_CLIENT_ID = "mus"
    settings.OIDC_RP_CLIENT_SECRET = "mus-test-secret"
    settings.OIDC_ISSUER = issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{issuer}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{issuer}/token"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{issuer}/jwks"
    settings.OIDC_OP_END_SESSION_ENDPOINT = f"{issuer}/session/end"
    settings.SSO_HR_GROUPS = ["mus-hr"]
    settings.SSO_CONTACT = "HR-afdelingen på hr@kommune.dk"
