"""The build cache: what the last build read, parsed and wrote, kept between runs to redo only what changed."""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import sys
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .project import CACHE_DIR, Project

if TYPE_CHECKING:
    from .assets import CheckedPage
    from .model import Page

# The dev server saves its cache once the saves pause for this long.
SAVE_DELAY_SECONDS = 2.0
PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def cache_version() -> tuple:
    """Everything besides the project's files whose change can change the output: studysite's own code
    (every module, so the format can never go stale by a forgotten bump), its libraries, Python."""
    code = hashlib.sha1()
    for module in sorted(PACKAGE.glob("*.py")):
        code.update(module.name.encode() + b"\0" + module.read_bytes())
    libraries = []
    for name in ("markdown", "pygments", "latex2mathml", "jinja2", "nh3", "pyyaml"):
        try:
            libraries.append(metadata.version(name))
        except metadata.PackageNotFoundError:
            libraries.append("?")
    return (__version__, code.hexdigest(), *libraries, sys.version_info[:2])


# A cache file starts with this line and a keyed digest of the rest. Pickle can run code, so a file
# is unpickled only when its digest was made with this user's own key, which lives outside every
# project: a cache committed to a repository, or planted in one, is never read (it is just no cache).
CACHE_HEADER = b"studysite-cache 3\n"
DIGEST_SIZE = 32


def _key_file() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "studysite" / "cache-key"


@lru_cache(maxsize=1)
def cache_key() -> bytes:
    """This user's secret for signing caches: made once, readable by the user alone. Where it cannot be
    kept (no writable home), a key for this process only, so caches then last one run (the dev server)."""
    path = _key_file()
    try:
        key = path.read_bytes()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    key = secrets.token_bytes(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".cache-key.{os.getpid()}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(key)
        os.replace(temporary, path)
    except OSError:
        pass
    return key


def _digest(payload: bytes) -> bytes:
    # HMAC-SHA256: the standard construction, and the fastest here (SHA extensions), at tens of MB.
    return hmac.digest(cache_key(), payload, "sha256")


def sign(payload: bytes) -> bytes:
    """A cache file's bytes: the header, the keyed digest, the pickled payload."""
    return CACHE_HEADER + _digest(payload) + payload


def verified_payload(data: bytes) -> bytes | None:
    """The pickled payload of a cache file made with this user's key, else None."""
    if not data.startswith(CACHE_HEADER):
        return None
    digest = data[len(CACHE_HEADER):len(CACHE_HEADER) + DIGEST_SIZE]
    payload = data[len(CACHE_HEADER) + DIGEST_SIZE:]
    return payload if hmac.compare_digest(digest, _digest(payload)) else None


# Lock descriptors this process holds: a forked worker closes its copies, so that a worker left
# behind by a killed build does not hold the project's lock for ever.
_HELD_LOCKS: set[int] = set()


def _close_held_locks() -> None:
    for descriptor in _HELD_LOCKS:
        try:
            os.close(descriptor)
        except OSError:
            pass
    _HELD_LOCKS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_locks)


class build_lock:  # noqa: N801 (used as a function: 'with build_lock(folder):')
    """Hold the project's build lock (a file in the cache folder) for the block: a second build of the
    same project waits for the first, rather than both writing one site and one cache.
    (A class, not @contextmanager: that would set __traceback__ on the frozen errors passing through.)"""

    def __init__(self, cache_dir: Path):
        self.cache_dir = cache_dir
        self.descriptor: int | None = None

    def __enter__(self) -> None:
        try:
            import fcntl
        except ImportError:  # (Windows: no such lock, builds are not guarded against each other)
            return
        try:
            self.cache_dir.mkdir(exist_ok=True)
            self.descriptor = os.open(self.cache_dir / "build.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:  # a read-only project: the build will say what it cannot write
            return
        _HELD_LOCKS.add(self.descriptor)
        try:
            fcntl.flock(self.descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            print(f"note: waiting for another build of this site to finish ({self.cache_dir}/build.lock)",
                  file=sys.stderr, flush=True)
            fcntl.flock(self.descriptor, fcntl.LOCK_EX)

    def __exit__(self, *exc_info) -> None:
        if self.descriptor is not None:
            _HELD_LOCKS.discard(self.descriptor)
            os.close(self.descriptor)  # (closing releases the lock)
            self.descriptor = None


@dataclass
class Manifest:
    """What the last build read and wrote: enough to tell that nothing changed. Small, read first."""

    version: tuple = ()
    project: tuple = ()
    inputs: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # every input file: (size, mtime, ctime)
    written: dict[str, tuple[int, int]] = field(default_factory=dict)  # output -> (size, mtime) as written
    counts: tuple[int, int, int] = (0, 0, 0)  # pages, topics, questions
    warnings: tuple = ()  # the last build's (ContentErrors), shown again while nothing changes


@dataclass
class BuildState:
    """What the last successful build knew: enough to redo only what changed. Saved between runs."""

    version: tuple = ()
    project: tuple = ()
    parsed: dict[str, tuple[tuple[int, int, int], str, Page]] = field(default_factory=dict)  # (stat, raw_html, page)
    checked: dict[str, tuple[str, str, CheckedPage]] = field(default_factory=dict)  # (source hash, links fp, result)
    fingerprints: dict[str, str] = field(default_factory=dict)  # output -> what it was rendered from
    note_times: dict[str, tuple[str, int]] = field(default_factory=dict)  # Anki GUID -> (digest, time changed)
    anki_fields: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # GUID -> (digest, question, answer)


class BuildCache:
    """The cache of one project on disk: read on demand, written atomically, never trusted blindly."""

    def __init__(self, project: Project, enabled: bool = True, fresh: bool = False):
        """`enabled`: read and save it; `fresh`: save it, but start from nothing (build --clean)."""
        self.project = project
        self.enabled = enabled
        self.notes: list[str] = []  # things worth telling the user, such as a cache that was unreadable
        self.lock = threading.Lock()  # held by a build: the cache is never written in the middle of one
        reads = enabled and not fresh
        # Both read when first needed: a build reads them once it holds the build lock.
        self._manifest: Manifest | None = None if reads else Manifest()
        self._state: BuildState | None = None if reads else BuildState()
        self._saver: threading.Timer | None = None

    def stamped_state(self) -> BuildState:
        """The state, marked (with the manifest) as made by this studysite for this project."""
        state = self.state
        state.version = self.manifest.version = cache_version()
        state.project = self.manifest.project = self.project.key
        return state

    @property
    def _manifest_file(self) -> Path:
        return self.project.cache_dir / "manifest.pickle"

    @property
    def _state_file(self) -> Path:
        return self.project.cache_dir / "state.pickle"

    def _read(self, path: Path, kind: type):
        """A cache file, or a fresh empty one when it is missing, damaged or from another version."""
        if not path.is_file():  # (a folder or a pipe in its place is no cache either)
            return kind()
        try:
            payload = verified_payload(path.read_bytes())
            if payload is None:
                raise ValueError("not signed by this user's key: damaged, copied or planted")
            value = pickle.loads(payload)
            if not isinstance(value, kind):
                raise TypeError(f"not a {kind.__name__}")
        except Exception as exc:  # any damage at all: the cache is only ever an optimisation
            reason = str(exc) if isinstance(exc, ValueError) else type(exc).__name__
            self.notes.append(f"note: the build cache in {CACHE_DIR}/ could not be read ({reason}); "
                              "building everything")
            return kind()
        if value.version != cache_version() or value.project != self.project.key:
            return kind()  # another studysite, library or output folder: start afresh
        return value

    @property
    def manifest(self) -> Manifest:
        """What the last build read and wrote: read first, and on every build (it is small)."""
        if self._manifest is None:
            self._manifest = self._read(self._manifest_file, Manifest)
        return self._manifest

    @property
    def state(self) -> BuildState:
        """Parsed pages and fingerprints: loaded only when a build has something to do."""
        if self._state is None:
            self._state = self._read(self._state_file, BuildState)
        return self._state

    def save(self, background: bool = False) -> None:
        """Write the cache (atomically); in the background for the dev server, so a reload need not wait."""
        if not self.enabled:
            return
        manifest, state = self._manifest, self._state
        if manifest is None:
            return  # nothing was built
        cache_dir = self.project.cache_dir

        def dump(value, path: Path) -> None:
            temporary = path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(sign(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))
            os.replace(temporary, path)

        def write() -> None:
            try:
                cache_dir.mkdir(exist_ok=True)
                (cache_dir / ".gitignore").write_text("*\n")
                with build_lock(cache_dir):  # never between another process's state and manifest
                    if state is not None:
                        dump(state, self._state_file)
                    dump(manifest, self._manifest_file)  # last: it vouches for the state beside it
            except OSError:
                pass  # a cache that cannot be saved only costs time on the next build

        if self._saver is not None:
            self._saver.cancel()
        if background:
            # The dev server: wait for a pause in the saves, then pickle in a forked child, which has
            # its own interpreter lock, so serving the reloaded page never waits for the cache.
            self._saver = threading.Timer(SAVE_DELAY_SECONDS, self._write_in_child, (write,))
            self._saver.daemon = True
            self._saver.start()
        else:
            write()

    def _write_in_child(self, write) -> None:
        with self.lock:  # never in the middle of a build
            if not hasattr(os, "fork"):
                write()
                return
            pid = os.fork()
            if pid == 0:
                try:
                    write()
                finally:
                    os._exit(0)
        os.waitpid(pid, 0)
