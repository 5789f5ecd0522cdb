"""Who may use the editor: anyone at this computer when it listens on 127.0.0.1 only; otherwise the people of a
users file (one `name:scrypt$salt$hash` line each, hashed with `edit --hash-password`), each after a login.

Every request that changes anything carries the page's token in a header (X-QLQD-Token): another site's page can
neither read the token nor send that header, so it cannot make the editor save or submit (cross-site requests)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from generator.core.problems import GeneratorError

LOOPBACK = ("127.0.0.1", "::1", "localhost")
SESSION_COOKIE = "qlqd_session"
SESSION_SECONDS = 8 * 3600
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class UsersRefused(GeneratorError):
    """The users file cannot be read or holds a line that is not `name:scrypt$salt$hash`."""


def hash_password(password: str, salt: bytes | None = None) -> str:
    """The stored form of a password: scrypt with a random salt."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    kind, _, rest = stored.partition("$")
    salt, _, digest = rest.partition("$")
    if kind != "scrypt" or not salt or not digest:
        return False
    try:
        expected = hash_password(password, bytes.fromhex(salt))
    except ValueError:
        return False
    return hmac.compare_digest(expected, stored)


def read_users(path: Path) -> dict[str, str]:
    """name -> stored password of a users file; UsersRefused when it is not one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsersRefused(f"无法读取用户文件 {path}({exc.strerror})") from None
    users = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, _, stored = line.strip().partition(":")
        if not name or not stored.startswith("scrypt$"):
            raise UsersRefused(f"用户文件 {path} 第 {number} 行应为「用户名:scrypt$…」(用 edit --hash-password 生成)")
        users[name] = stored
    return users


@dataclass
class Session:
    user: str
    csrf: str
    expires: float


@dataclass
class Gate:
    """The logins of a running editor. Without users (on loopback) there is one session for everyone."""

    users: dict[str, str] | None  # None: no login (loopback only)
    sessions: dict[str, Session] = field(default_factory=dict)
    local: Session = field(default_factory=lambda: Session("本机", secrets.token_urlsafe(32), float("inf")))
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def needs_login(self) -> bool:
        return self.users is not None

    def session(self, cookie: str | None) -> Session | None:
        """The session of a request's cookie (the local one without login), None when it must log in."""
        if not self.needs_login:
            return self.local
        with self.lock:
            found = self.sessions.get(cookie or "")
            if found and found.expires < time.time():
                del self.sessions[cookie or ""]
                return None
            return found

    def login(self, user: str, password: str) -> str | None:
        """A new session's cookie value for the right password, None otherwise."""
        stored = (self.users or {}).get(user)
        if stored is None:
            hash_password(password)  # the same time whether or not the user exists
            return None
        if not password_matches(password, stored):
            return None
        key = secrets.token_urlsafe(32)
        with self.lock:
            self.sessions[key] = Session(user, secrets.token_urlsafe(32), time.time() + SESSION_SECONDS)
        return key

    def logout(self, cookie: str | None) -> None:
        with self.lock:
            self.sessions.pop(cookie or "", None)


def token_matches(session: Session, sent: str | None) -> bool:
    """True when a request carries its session's token (the defence against cross-site requests)."""
    return bool(sent) and hmac.compare_digest(session.csrf.encode(), (sent or "").encode())
