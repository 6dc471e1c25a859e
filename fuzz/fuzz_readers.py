"""Coverage-guided fuzzing of the input readers with atheris (libFuzzer for Python).

Every input is written to a temporary file four times, named ``input.csv``, ``input.xlsx`` and ``input.json``
(read with ``ownership.readers.read_input``: CSV, workbook, BODS, FtM and GLEIF JSON with their numbers) and
``input.toml`` (read as a policy file, as ``--policy input.toml`` would). An ``ExposureError`` (the located,
one-line refusal the CLI turns into exit code 2) is a correct answer; any other exception is a crash.

Run it (atheris is not a dependency of the project: ``pip install atheris`` into the virtualenv first)::

    python fuzz/fuzz_readers.py -atheris_runs=100000
    python fuzz/fuzz_readers.py -max_total_time=300

Without a corpus folder on the command line, the seeds are the shipped samples and every file under
``tests/fixtures/`` (so inputs kept in ``tests/fixtures/fuzz/`` are replayed first). Zip inputs are also mutated
structurally: one member of the workbook (a sheet's XML, shared strings, styles...) is mutated and the zip rebuilt,
so the XML parsers and the cell readers see damage, not only the zip reader.

On a crash libFuzzer stops and writes the input as ``crash-<sha1>`` (see ``-artifact_prefix``); the harness also
prints the exception and saves the file under the name that crashed (``.csv`` or ``.xlsx``) with a one-line
``.txt`` note in ``EXPOSURE_FUZZ_SAVE`` (default: a folder under the system temp folder, printed at start). With
``EXPOSURE_FUZZ_KEEP_GOING=1`` the harness records each distinct crash there and carries on instead of stopping.
See fuzz/README.md.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import tempfile
import traceback
import warnings
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

try:
    import atheris
except ImportError:  # keep the module importable (and lintable) without atheris
    atheris = None

#: Seeds larger than this are skipped (libFuzzer's -max_len applies to them anyway).
_MAX_SEED_BYTES = 1 << 20
#: Default -max_len: room for the sample workbook and its structurally mutated copies.
_DEFAULT_MAX_LEN = 64 * 1024

_SAVE_DIR = Path(os.environ.get("EXPOSURE_FUZZ_SAVE") or Path(tempfile.gettempdir()) / "exposure-fuzz-crashes")
_KEEP_GOING = os.environ.get("EXPOSURE_FUZZ_KEEP_GOING", "") not in ("", "0")
_work_dirs: list[Path] = []  # one scratch folder for the run, made on first use
_seen_signatures: set[str] = set()


def _signature(exc: BaseException) -> str:
    """Exception type, the innermost frame in the project, and the innermost library frame below it (so that one
    unguarded call that fails in several places of a library counts as several crashes)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return type(exc).__name__
    ours = [k for k, f in enumerate(frames) if "/ownership/" in f.filename or "/cli/" in f.filename]
    top = frames[ours[-1]] if ours else frames[-1]
    text = f"{type(exc).__name__} at {Path(top.filename).name}:{top.lineno} ({top.name})"
    below = [f for f in frames[(ours[-1] + 1) if ours else 0 :] if "site-packages" in f.filename]
    if below:
        text += f" in {Path(below[-1].filename).name}:{below[-1].lineno} ({below[-1].name})"
    return text


def _save_crash(data: bytes, suffix: str, exc: BaseException) -> Path:
    """Keep the input as it crashed (with its extension), a one-line .txt note, and the traceback in a .log."""
    _SAVE_DIR.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(data).hexdigest()[:16]
    target = _SAVE_DIR / f"atheris-{digest}{suffix}"
    target.write_bytes(data)
    message = " ".join(str(exc).split())[:200]
    note = f"atheris: read_input on a {suffix} file raised {_signature(exc)}: {message}\n"
    Path(f"{target}.txt").write_text(note, encoding="utf-8")
    Path(f"{target}.log").write_text("".join(traceback.format_exception(exc)), encoding="utf-8")
    return target


def _read(data: bytes, suffix: str) -> None:
    from ownership.errors import ExposureError
    from ownership.policy import load_policy_file
    from ownership.readers import read_input

    if not _work_dirs:
        _work_dirs.append(_scratch("exposure-fuzz-work-"))
    path = _work_dirs[0] / f"input{suffix}"
    path.write_bytes(data)
    try:
        if suffix == ".toml":
            load_policy_file(path)
        else:
            read_input(path, f"input{suffix}")
    except ExposureError:
        pass  # a located refusal: the right answer to a bad file
    except Exception as exc:  # anything else is a crash
        signature = f"{suffix} {_signature(exc)}"
        if signature not in _seen_signatures:
            _seen_signatures.add(signature)
            saved = _save_crash(data, suffix, exc)
            print(f"\n=== crash: {signature}\n    saved as {saved}", file=sys.stderr)
            traceback.print_exception(exc, file=sys.stderr)
        if not _KEEP_GOING:
            raise


def test_one_input(data: bytes) -> None:
    """The fuzz target: the same bytes as a CSV, an xlsx workbook, a JSON file (BODS, FtM, GLEIF and their
    numbers) and a policy file (``--policy input.toml``)."""
    for suffix in (".csv", ".xlsx", ".json", ".toml"):
        _read(data, suffix)


def mutate(data: bytes, max_size: int, seed: int) -> bytes:
    """libFuzzer's mutation, and for zip inputs, two times in three, a mutation of one member re-zipped."""
    if data[:4] == b"PK\x03\x04" and seed % 3:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as source:
                members = [(info.filename, source.read(info)) for info in source.infolist()]
        except Exception:  # not a readable zip after all: mutate the bytes
            members = []
        if members:
            chosen = (seed // 3) % len(members)
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as sink:
                for k, (name, content) in enumerate(members):
                    if k == chosen:
                        content = atheris.Mutate(content, max(len(content) * 2, 64))
                    sink.writestr(name, content)
            result = out.getvalue()
            if len(result) <= max_size:
                return result
    return atheris.Mutate(data, max_size)


def _scratch(prefix: str) -> Path:
    """A temporary folder removed when the run ends."""
    import atexit
    import shutil

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _seed_folder() -> str:
    """A temporary corpus folder with the shipped samples and every fixture (fuzz crashes included); it goes
    when the run ends, with what libFuzzer added to it (pass a folder of your own to keep a corpus)."""
    folder = _scratch("exposure-fuzz-corpus-")
    sources = [*sorted((REPO / "data" / "samples").glob("*.csv")), *sorted((REPO / "data" / "samples").glob("*.xlsx"))]
    fixtures = REPO / "tests" / "fixtures"
    if fixtures.is_dir():
        sources += sorted(p for p in fixtures.rglob("*") if p.is_file() and p.suffix not in (".txt", ".log", ".md"))
    for k, source in enumerate(sources):
        if source.stat().st_size <= _MAX_SEED_BYTES:
            (folder / f"seed-{k:04d}{source.suffix}").write_bytes(source.read_bytes())
    return str(folder)


def _argv(argv: list[str]) -> list[str]:
    """libFuzzer options with the harness's defaults, and the seed corpus when no folder is given."""
    args = list(argv)
    options = {a.split("=", 1)[0] for a in args[1:] if a.startswith("-")}
    defaults = {"-timeout": "10", "-rss_limit_mb": "2048", "-max_len": str(_DEFAULT_MAX_LEN)}
    args += [f"{k}={v}" for k, v in defaults.items() if k not in options]
    if not any(not a.startswith("-") for a in args[1:]):
        args.append(_seed_folder())
    return args


def main() -> None:
    if atheris is None:
        print(
            "fuzz_readers.py needs atheris, which is not a dependency of exposure: install it into the virtualenv "
            "with `.venv/bin/pip install atheris` (Linux or macOS, Python 3.8-3.12), then run "
            "`python fuzz/fuzz_readers.py -max_total_time=300`.",
            file=sys.stderr,
        )
        raise SystemExit(2)
    # openpyxl's UserWarnings (odd dates, unsupported extensions) are not crashes; keep the output readable.
    warnings.simplefilter("ignore")
    with atheris.instrument_imports(include=["ownership", "openpyxl"]):
        import openpyxl  # noqa: F401  (instrumented for coverage feedback)

        import ownership.readers  # noqa: F401
    print(f"exposure fuzz: crashes are saved in {_SAVE_DIR}", file=sys.stderr)
    atheris.Setup(_argv(sys.argv), test_one_input, custom_mutator=mutate)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
