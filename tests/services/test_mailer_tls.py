"""SMTP over TLS: STARTTLS with a login, implicit TLS (smtps), and a certificate we do not trust."""

from __future__ import annotations

import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from mail_helpers import SENDER, Sink, email_text, smtp_server

from peerapp.services.mailer import Letter, MailFailure, SmtpServer, SmtpTransport

LETTER = Letter(
    1,
    "<tls@peerapp.example>",
    "bob@example.com",
    email_text("bob@example.com", "Over TLS", "<tls@peerapp.example>"),
)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A self-signed certificate for 127.0.0.1: (the server's context, a client trusting it)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "peerapp test mail server")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (folder / "cert.pem").write_bytes(cert_pem)
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    client = ssl.create_default_context(cadata=cert_pem.decode())
    return server, client


class TlsSink(Sink):
    """Also notes whether each message came over TLS."""

    def __init__(self) -> None:
        super().__init__()
        self.encrypted: list[bool] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        # STARTTLS sets session.ssl; implicit TLS shows on the connection itself.
        over_tls = server.transport.get_extra_info("ssl_object") is not None
        self.encrypted.append(session.ssl is not None or over_tls)
        return await super().handle_DATA(server, session, envelope)


def only_peerapp(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (
        auth_data.login,
        auth_data.password,
    ) == (b"peerapp", b"s3cret")
    return AuthResult(success=ok)


def test_starttls_then_login_then_send(certificate):
    server_tls, client_tls = certificate
    sink = TlsSink()
    with smtp_server(
        sink,
        tls_context=server_tls,
        require_starttls=True,
        authenticator=only_peerapp,
        auth_required=True,
    ) as port:
        settings = SmtpServer(
            "127.0.0.1", port, starttls=True, username="peerapp", password="s3cret", timeout=5
        )
        transport = SmtpTransport(settings, SENDER, tls=client_tls)
        transport.send(LETTER)
        transport.close()
    assert [item.rcpt_tos for item in sink.received] == [["bob@example.com"]]
    assert sink.encrypted == [True]


def test_implicit_tls(certificate):
    server_tls, client_tls = certificate
    sink = TlsSink()
    with smtp_server(sink, ssl_context=server_tls) as port:
        settings = SmtpServer("127.0.0.1", port, implicit_tls=True, timeout=5)
        transport = SmtpTransport(settings, SENDER, tls=client_tls)
        transport.send(LETTER)
        transport.close()
    assert sink.encrypted == [True]
    assert len(sink.received) == 1


def test_a_certificate_we_do_not_trust_sends_nothing_and_waits(certificate):
    server_tls, _ = certificate
    sink = TlsSink()
    with smtp_server(sink, tls_context=server_tls, require_starttls=True) as port:
        settings = SmtpServer("127.0.0.1", port, starttls=True, timeout=5)
        with pytest.raises(MailFailure) as failure:
            SmtpTransport(settings, SENDER).send(LETTER)
    assert failure.value.temporary and failure.value.connection
    assert "CERTIFICATE_VERIFY_FAILED" in failure.value.reason
    assert sink.received == []
