"""Policy files: ``--policy FILE``, ``exposure.toml`` and ``[tool.exposure]`` in ``pyproject.toml``.

A policy file is a flat TOML table of settings (see ``FILE_KEYS``). Every key and value is checked when the
file is read, so a mistake is reported with the file and key before anything is computed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from ownership.errors import Location, PolicyError
from ownership.policy.profiles import get_profile
from ownership.policy.settings import FILE_KEYS, check_table

PROJECT_FILE = "exposure.toml"
PYPROJECT_FILE = "pyproject.toml"
PYPROJECT_LABEL = "pyproject.toml [tool.exposure]"

_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")


@dataclass(frozen=True)
class PolicyFile:
    """A policy file as read: the settings it gives, validated, as TOML-level values.

    Attributes:
        path: the file (for ``[tool.exposure]``, the ``pyproject.toml``).
        settings: the settings the file gives, validated and normalised (percentages, ISO country codes,
            dates, watch-list paths resolved against the file's folder).
        label: how ``Policy.origins`` names the file: "exposure.toml", "pyproject.toml [tool.exposure]",
            "--policy team.toml".
        shown: how error messages name the file: "exposure.toml", "team.toml" (defaults to the path).
    """

    path: Path
    settings: Mapping[str, object]
    label: str
    shown: str = ""

    @property
    def where(self) -> Location:
        return Location(file=self.shown or str(self.path))


def _parse(path: Path, shown: str) -> dict[str, object]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PolicyError("policy file not found", Location(file=shown)) from None
    except IsADirectoryError:
        raise PolicyError("is a folder, not a policy file", Location(file=shown)) from None
    except OSError as exc:
        raise PolicyError(f"cannot be read ({exc.strerror or exc})", Location(file=shown)) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PolicyError("is not UTF-8 text, so not a TOML file", Location(file=shown)) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = _AT.search(message)
        if match:
            detail = message[: match.start()]
            at = f"line {match.group(1)}, column {match.group(2)}"
        else:
            detail, at = message.replace(" (at end of document)", ""), f"line {text.count(chr(10)) + 1}"
        raise PolicyError(f"{at}: not valid TOML: {detail}", Location(file=shown)) from None


def _settings(table: Mapping[str, object], path: Path, shown: str) -> Mapping[str, object]:
    where = Location(file=shown)
    settings = check_table(table, FILE_KEYS, where, base=path.parent)
    if "profile" in settings:
        get_profile(str(settings["profile"]), where, prefix="key 'profile': ")
    return MappingProxyType(settings)


def _tool_table(raw: Mapping[str, object], shown: str) -> Mapping[str, object] | None:
    tool = raw.get("tool")
    if not isinstance(tool, dict):
        return None
    table = tool.get("exposure")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise PolicyError("'tool.exposure' must be a table ([tool.exposure])", Location(file=shown))
    return table


def load_policy_file(path: Path) -> PolicyFile:
    """Read ``--policy FILE``: a TOML policy file (or a ``pyproject.toml``'s ``[tool.exposure]`` table).

    Relative watch-list paths resolve against the file's folder. Errors name the file as given.

    Raises:
        PolicyError: the file is missing or not TOML (with the line), a key is unknown (with the closest
            known key), or a value is invalid (with the key).
    """
    shown = str(path)
    raw = _parse(path, shown)
    if path.name == PYPROJECT_FILE:
        table = _tool_table(raw, shown)
        if table is None:
            raise PolicyError("has no [tool.exposure] table", Location(file=shown))
        shown = f"{path} [tool.exposure]"
        raw = dict(table)
    return PolicyFile(path=path, settings=_settings(raw, path, shown), label=f"--policy {path}", shown=shown)


def find_project_policy(cwd: Path) -> PolicyFile | None:
    """The project's policy: ``exposure.toml`` in ``cwd``, else ``[tool.exposure]`` in ``cwd/pyproject.toml``.

    Returns None when neither is there (a ``pyproject.toml`` without ``[tool.exposure]`` is not a policy).

    Raises:
        PolicyError: the file found is invalid (see ``load_policy_file``).
    """
    project = cwd / PROJECT_FILE
    if project.is_file():
        settings = _settings(_parse(project, PROJECT_FILE), project, PROJECT_FILE)
        return PolicyFile(path=project, settings=settings, label=PROJECT_FILE, shown=PROJECT_FILE)
    pyproject = cwd / PYPROJECT_FILE
    if pyproject.is_file():
        table = _tool_table(_parse(pyproject, PYPROJECT_FILE), PYPROJECT_FILE)
        if table is None:
            return None
        settings = _settings(table, pyproject, PYPROJECT_LABEL)
        return PolicyFile(path=pyproject, settings=settings, label=PYPROJECT_LABEL, shown=PYPROJECT_LABEL)
    return None


def project_policy_files(cwd: Path) -> list[Path]:
    """The files ``find_project_policy`` reads in ``cwd``: ``exposure.toml`` if there, else ``pyproject.toml``
    if there (read even when it turns out to hold no ``[tool.exposure]``)."""
    for name in (PROJECT_FILE, PYPROJECT_FILE):
        if (cwd / name).is_file():
            return [cwd / name]
    return []
