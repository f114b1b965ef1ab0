"""Small real servers on loopback for transport tests: a forwarding and CONNECT proxy, a TLS front
for another server (with its own certificate authority), a server that stops reading request
bodies, and one that trickles its response head. Each runs in daemon threads; `with` stops it."""

from __future__ import annotations

import contextlib
import datetime
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Proxy", "stalled_reader", "tls_front", "trickled_head"]


def _read_head(conn: socket.socket) -> tuple[bytes, bytes]:
    """The request head (up to its blank line) and whatever body bytes came with it."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the head ended")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return head, rest


def _pump(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until either side closes."""

    def copy(src: socket.socket, dst: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := src.recv(65536):
                dst.sendall(data)
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)

    other = threading.Thread(target=copy, args=(b, a), daemon=True)
    other.start()
    copy(a, b)
    other.join(30)


class _Listener:
    def __init__(self, handle: Any, *, rcvbuf: int | None = None) -> None:
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if rcvbuf is not None:  # inherited by accepted sockets: a small window fills at once
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.port = self._sock.getsockname()[1]
        self._handle = handle
        self._open: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self._open.append(conn)
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        with contextlib.suppress(OSError, ConnectionError), conn:
            self._handle(conn)

    def close(self) -> None:
        self._sock.close()
        for conn in self._open:
            with contextlib.suppress(OSError):
                conn.close()


class Proxy:
    """An HTTP proxy: absolute-form requests are forwarded (in origin form, one per connection)
    and CONNECT opens a tunnel. `seen` lists (method, target, Proxy-Authorization) per request."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None]] = []
        self._listener = _Listener(self._handle)
        self.url = f"http://127.0.0.1:{self._listener.port}"

    def _handle(self, conn: socket.socket) -> None:
        head, rest = _read_head(conn)
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ")
        fields = [line.split(":", 1) for line in lines[1:]]
        auth = next((v.strip() for k, v in fields if k.lower() == "proxy-authorization"), None)
        self.seen.append((method, target, auth))
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            upstream = socket.create_connection((host, int(port)))
            conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            _pump(conn, upstream)
            return
        url = urlsplit(target)
        upstream = socket.create_connection((url.hostname or "", url.port or 80))
        kept = [
            f"{k}:{v}" for k, v in fields if k.lower() not in ("proxy-authorization", "proxy-connection", "connection")
        ]
        path = url.path + (f"?{url.query}" if url.query else "")
        request = "\r\n".join([f"{method} {path} {version}", *kept, "Connection: close", "", ""]).encode("latin-1")
        upstream.sendall(request + rest)
        _pump(conn, upstream)

    def __enter__(self) -> Proxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self._listener.close()


def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A certificate authority and a certificate for 127.0.0.1 it signed: (CA, cert, key) files."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test authority")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    files = folder / "ca.pem", folder / "cert.pem", folder / "key.pem"
    files[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return files


@contextlib.contextmanager
def tls_front(upstream_url: str, folder: Path) -> Iterator[tuple[str, Path]]:
    """TLS on 127.0.0.1 in front of `upstream_url` (plain HTTP): yields the https URL and the file
    of the certificate authority that signed its certificate."""
    ca, cert, key = _certificates(folder)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    upstream = urlsplit(upstream_url)

    def handle(conn: socket.socket) -> None:
        with context.wrap_socket(conn, server_side=True) as tls:
            back = socket.create_connection((upstream.hostname or "", upstream.port or 80))
            _pump(tls, back)  # type: ignore[arg-type]

    listener = _Listener(handle)
    try:
        yield f"https://127.0.0.1:{listener.port}", ca
    finally:
        listener.close()


@contextlib.contextmanager
def stalled_reader() -> Iterator[str]:
    """A server that reads a request's head and then nothing more, holding the connection open."""

    def handle(conn: socket.socket) -> None:
        _read_head(conn)
        time.sleep(120)

    listener = _Listener(handle, rcvbuf=4096)
    try:
        yield f"http://127.0.0.1:{listener.port}"
    finally:
        listener.close()


@contextlib.contextmanager
def trickled_head(pause: float = 1.0) -> Iterator[str]:
    """A server that reads the whole request, then sends its status line and headers one byte per
    `pause` seconds."""

    def handle(conn: socket.socket) -> None:
        head, rest = _read_head(conn)
        length = next(
            int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
        )
        while len(rest) < length:
            rest += conn.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\nx-trickle: yes-a-very-long-header-value\r\n\r\n":
            time.sleep(pause)
            conn.sendall(bytes([byte]))

    listener = _Listener(handle)
    try:
        yield f"http://127.0.0.1:{listener.port}"
    finally:
        listener.close()
