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
        for _ in range(150):
            if process.poll() is not None:
                pytest.fail(f"{script} stopped: {process.stdout.read()}")
            try:
                if requests.get(base + ready_path, timeout=10).ok:
                    break
            except requests.RequestException:  # not listening yet, or a loaded machine
                time.sleep(0.2)
        else:
            pytest.fail(f"{script} did not answer on {base}")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def configure_oidc(settings, issuer: str) -> None:
    """MUS's settings for the test provider, as the environment would give them: the
    issuer alone, the endpoints discovered from its /.well-known/openid-configuration."""
    settings.OIDC_RP_CLIENT_ID = "mus"
    settings.OIDC_RP_CLIENT_SECRET = "mus-test-secret"
    settings.OIDC_ISSUER = issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = ""
    settings.OIDC_OP_TOKEN_ENDPOINT = ""
    settings.OIDC_OP_JWKS_ENDPOINT = ""
    settings.OIDC_OP_END_SESSION_ENDPOINT = ""
    settings.SSO_HR_GROUPS = ["mus-hr"]
    settings.SSO_CONTACT = "HR-afdelingen på hr@kommune.dk"


def signing_pair(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate and its key for the test IdP to sign with."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test-idp")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "idp.crt", folder / "idp.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


@contextmanager
def saml_provider(settings, folder: Path, mus_base: str):
    """The samlify IdP on loopback, and MUS's settings pointing at its metadata; MUS has
    its own signing key, so the IdP offers single logout."""
    cert, key = signing_pair(folder)
    mus = folder / "mus"
    mus.mkdir()
    mus_cert, mus_key = signing_pair(mus)
    entity_id = f"{mus_base}/sso/saml/metadata/"
    acs = f"{mus_base}/sso/saml/acs/"
    sls = f"{mus_base}/sso/saml/ls/"
    with node_provider(
        "saml.mjs",
        entity_id,
        acs,
        str(cert),
        str(key),
        sls,
        str(mus_cert),
        ready_path="/metadata",
    ) as idp:
        idp = idp.replace("127.0.0.1", "localhost")
        settings.SAML_IDP_METADATA_URL = f"{idp}/metadata"
        settings.SAML_SP_ENTITY_ID = entity_id
        settings.SAML_SP_KEY_FILE = str(mus_key)
        settings.SAML_SP_CERT_FILE = str(mus_cert)
        settings.SSO_HR_GROUPS = ["mus-hr"]
        settings.SSO_CONTACT = "HR-afdelingen på hr@kommune.dk"
        yield idp
