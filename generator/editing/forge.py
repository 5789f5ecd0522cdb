"""The forge where review happens: Gitea/Forgejo, GitLab or GitHub, and the pull/merge request 提交审核 opens there.

Its settings come from the environment (QLQD_FORGE_KIND, QLQD_FORGE_URL, QLQD_FORGE_REPO, QLQD_FORGE_TOKEN,
QLQD_FORGE_BASE) or from a TOML file outside the repository (kind, url, repo, token, base): a token is never
written into the catalogue's repository. url is the forge's API root (https://git.example.gov.cn/api/v1 for
Gitea, https://gitlab.example.gov.cn/api/v4 for GitLab, https://api.github.com for GitHub)."""

from __future__ import annotations

import json
import tomllib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.core.problems import GeneratorError

KINDS = ("gitea", "gitlab", "github")
FORGE_SECONDS = 30


class ForgeRefused(GeneratorError):
    """The forge's settings are wrong, or the forge refused the request; the message says why, in Chinese."""


@dataclass(frozen=True)
class Forge:
    kind: str
    url: str
    repo: str  # owner/name (GitLab: the project's path)
    token: str
    base: str = "main"  # the branch the request is to be merged into


def forge_settings(env: Mapping[str, str], config: Path | None, repository: Path) -> Forge | None:
    """The forge set up in the environment or the config file, None when none is; ForgeRefused when it is wrong."""
    values = {key: env.get(f"QLQD_FORGE_{key.upper()}", "") for key in ("kind", "url", "repo", "token", "base")}
    if config is not None:
        if config.resolve().is_relative_to(repository.resolve()):
            raise ForgeRefused(f"合并请求的设置文件 {config} 在仓库之内:令牌不能放进仓库,请放在仓库之外")
        try:
            loaded = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ForgeRefused(f"无法读取合并请求的设置文件 {config}:{exc}") from None
        values |= {key: str(loaded[key]) for key in values if key in loaded and not values[key]}
    if not any(values[key] for key in ("kind", "url", "repo")):
        return None
    missing = [f"QLQD_FORGE_{key.upper()}" for key in ("kind", "url", "repo", "token") if not values[key]]
    if missing or values["kind"] not in KINDS:
        raise ForgeRefused(f"合并请求的设置不完整:需要 {'、'.join(missing) or 'kind'};kind 可选 {'、'.join(KINDS)}")
    return Forge(values["kind"], values["url"].rstrip("/"), values["repo"], values["token"], values["base"] or "main")


def open_request(forge: Forge, branch: str, title: str, body: str) -> str:
    """Open the pull/merge request of branch into the base branch; its web address."""
    repo = urllib.parse.quote(forge.repo, safe="" if forge.kind == "gitlab" else "/")
    if forge.kind == "gitlab":
        address = f"{forge.url}/projects/{repo}/merge_requests"
        payload = {"source_branch": branch, "target_branch": forge.base, "title": title, "description": body}
        headers = {"PRIVATE-TOKEN": forge.token}
    else:
        address = f"{forge.url}/repos/{repo}/pulls"
        payload = {"head": branch, "base": forge.base, "title": title, "body": body}
        scheme = "Bearer" if forge.kind == "github" else "token"
        headers = {"Authorization": f"{scheme} {forge.token}"}
    answer = _post(address, payload, headers)
    return str(answer.get("html_url") or answer.get("web_url") or "")


def _post(address: str, payload: dict[str, str], headers: dict[str, str]) -> dict[str, object]:
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(address, data=data, method="POST")
    for key, value in {"Content-Type": "application/json", "Accept": "application/json", **headers}.items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=FORGE_SECONDS) as response:
            answer = json.loads(response.read().decode("utf-8") or "{}")
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", errors="replace")[:300]
        raise ForgeRefused(f"创建合并请求失败(HTTP {exc.code}):{detail};分支已推送,可在网页上手动创建") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise ForgeRefused(f"无法连接代码托管平台 {address}:{exc};分支已推送,可在网页上手动创建") from None
    return answer if isinstance(answer, dict) else {}


def config_path(env: Mapping[str, str]) -> Path | None:
    """The forge config file: QLQD_FORGE_CONFIG, or ~/.config/qlqd/forge.toml when it exists."""
    if env.get("QLQD_FORGE_CONFIG"):
        return Path(env["QLQD_FORGE_CONFIG"])
    default = Path(env.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "qlqd" / "forge.toml"
    return default if default.is_file() else None
