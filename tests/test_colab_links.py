"""The repository address and the git ref Colab installs live in gan_course/config.py; `make colab-links`
(tools/colab_links.py) copies them into every badge, Setup cell and pyproject.toml.

These tests read every place on their own (not through the tool) and check that it agrees with config.py,
that the tool round-trips byte for byte and refuses bad values before writing, and that a failed install
on Colab ends in one message, by running each lesson's real Setup cell in IPython with pip failing offline.
"""

import ast
import importlib.util
import json
import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
GITHUB = "https://github.com/"
COLAB = re.escape("https://colab.research.google.com/github/")  # + owner/name/blob/<REF>/notebooks/...
SKIP_DIRS = {"_build", "build", "dist", "node_modules", "outputs", "checkpoints", "logs", "__pycache__"}
TEXT_FILES = {".py", ".md", ".toml", ".ipynb", ".cfg", ".yml", ".yaml", ".txt", ".rst", ".html", ".css", ".json"}


def _load_tool():
    spec = importlib.util.spec_from_file_location("colab_links", ROOT / "tools" / "colab_links.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


colab_links = _load_tool()


def _config(root):
    values = {}
    for node in ast.parse((root / "gan_course" / "config.py").read_text()).body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) in ("REPOSITORY", "_REF"):
            values[node.targets[0].id] = ast.literal_eval(node.value)
    return values["REPOSITORY"], values["_REF"]


def _version(root):
    return tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]


def _setup_cell(nb):
    cells = [c for c in nb["cells"] if c["cell_type"] == "code" and "google.colab" in "".join(c["source"])]
    assert len(cells) == 1, "one Setup cell installs the package on Colab"
    return "".join(cells[0]["source"])


def _install_block(source):
    """The Setup cell's Colab part: from `import subprocess` to the first blank line after the `if`."""
    start = source.index('if "google.colab" in sys.modules:')
    end = source.find("\n\n", start)
    return source[: len(source) if end < 0 else end + 1]


def _setup_values(source):
    """(repository, ref) assigned in the Setup cell's `if "google.colab" ...` block, read with ast."""
    tree = ast.parse(source)
    block = next(n for n in tree.body if isinstance(n, ast.If) and "google.colab" in ast.unparse(n.test))
    assign = next(n for n in block.body if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Tuple))
    assert [t.id for t in assign.targets[0].elts] == ["repository", "ref"]
    return ast.literal_eval(assign.value)


#: other people's repositories the course cites as sources (a paper's own code): not the course's address
CITED = {"igul222/improved_wgan_training"}


def places(root):
    """(place, repository, ref or None) for every place that names the repository, read without the tool."""
    found = []
    repository, ref = _config(root)
    found.append(("gan_course/config.py", repository, ref))
    urls = tomllib.loads((root / "pyproject.toml").read_text())["project"]["urls"]
    found.append(("pyproject.toml [project.urls]", urls["Repository"], None))
    found.append(("book/conf.py", runpy.run_path(str(root / "book" / "conf.py"))["REPOSITORY"], None))
    readme = (root / "README.md").read_text()
    notebooks = sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    badges = re.findall(rf"\]\({COLAB}([^/]+/[^/]+)/blob/(.+?)/notebooks/([^)/]+)\)", readme)
    assert sorted(name for _, _, name in badges) == [nb.name for nb in notebooks], "one README badge per lesson"
    found += [(f"README.md badge of {name}", GITHUB + slug, badge_ref) for slug, badge_ref, name in badges]
    for nb in notebooks:
        cells = json.loads(nb.read_text())["cells"]
        first = "".join(cells[0]["source"])
        colab = re.findall(rf'href="{COLAB}([^/"]+/[^/"]+)/blob/([^"]+?)/notebooks/([^"/]+)"', first)
        github = re.findall(r'href="https://github\.com/([^/"]+/[^/"]+)/blob/([^"]+?)/notebooks/([^"/]+)"', first)
        assert [name for _, _, name in colab] == [nb.name] and [name for _, _, name in github] == [nb.name], nb.name
        found += [(f"{nb.name} Colab badge", GITHUB + colab[0][0], colab[0][1])]
        found += [(f"{nb.name} GitHub badge", GITHUB + github[0][0], github[0][1])]
        source = _setup_cell({"cells": cells})
        assert 'f"gan-course @ git+{repository}@{ref}"' in source and '"--no-deps"' in source, nb.name
        found.append((f"{nb.name} Setup cell", *_setup_values(source)))
    # anything else that names a GitHub repository (docs, tools, tests...) must name this one
    pattern = re.compile(r"(?:github\.com/|colab\.research\.google\.com/github/)([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)")
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS]  # not .git, .venv
        for path in [Path(folder, f) for f in files if Path(f).suffix in TEXT_FILES or f == "Makefile"]:
            for slug in set(pattern.findall(path.read_text(encoding="utf-8", errors="replace"))) - CITED:
                found.append((f"{path.relative_to(root)} mentions", GITHUB + slug.removesuffix(".git"), None))
    return found


def _assert_all_agree(root, repository, ref):
    disagree = [(place, r, f) for place, r, f in places(root) if r != repository or f not in (None, ref)]
    assert not disagree, f"these places do not name {repository} @ {ref}: {disagree}"


def test_every_badge_setup_cell_and_url_names_the_repository_and_ref_of_config():
    from gan_course import config

    repository, ref = _config(ROOT)
    assert (repository, ref) == (config.REPOSITORY, config._REF)
    assert re.fullmatch(r"https://github\.com/[^/]+/[^/]+", repository)
    colab_links.check_repo(repository.removeprefix(GITHUB))
    colab_links.check_ref(ref)
    _assert_all_agree(ROOT, repository, ref)
    blocks = {_install_block(_setup_cell(json.loads(nb.read_text()))) for nb in NOTEBOOKS}
    assert len(blocks) == 1, "every lesson's Setup cell installs the same way"


def test_colab_installs_the_release_tag_of_the_package_version():
    import gan_course
    from gan_course import config

    version = _version(ROOT)
    assert gan_course.__version__ == version, "gan_course/__init__.py and pyproject.toml give different versions"
    if re.match(r"v\d", config._REF):  # a release tag; a maintainer may choose a branch instead
        assert config._REF == f"v{version}", (
            f"Colab installs {config._REF} but the package is version {version}: "
            f"run make colab-links REPO=owner/name REF=v{version}"
        )


def _tool(root, repo, ref):
    """tools/colab_links.py as `make colab-links` calls it."""
    return colab_links.main(["--root", str(root), "--", repo, ref])


def _copy(root, to):
    files = ["gan_course/config.py", "pyproject.toml", "README.md", "book/conf.py", "docs/teaching.md"]
    files += [f"notebooks/{nb.name}" for nb in sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    for name in files:
        (to / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / name, to / name)
    return {name: (to / name).read_bytes() for name in files}


def _without_changed_sources(path):
    nb = json.loads(path.read_text())
    setup = next(i for i, c in enumerate(nb["cells"]) if "google.colab" in "".join(c["source"]))
    for i in (0, setup):
        nb["cells"][i]["source"] = None
    return nb


def test_the_tool_rewrites_every_place_and_back_byte_for_byte(tmp_path, capsys):
    original = _copy(ROOT, tmp_path)
    repository, ref = _config(tmp_path)
    assert _tool(tmp_path, "other-owner/other.repo", "v9") == 0
    out = capsys.readouterr()
    assert f"v9 from {GITHUB}other-owner/other.repo" in out.out
    assert "still names" not in out.err, "a file names the old repository that the tool does not rewrite"
    _assert_all_agree(tmp_path, GITHUB + "other-owner/other.repo", "v9")
    for nb in NOTEBOOKS:  # outputs, metadata and every other cell untouched
        assert _without_changed_sources(tmp_path / "notebooks" / nb.name) == _without_changed_sources(nb)
    changed = {name for name, data in original.items() if (tmp_path / name).read_bytes() != data}
    assert changed == set(original) - {"book/conf.py", "docs/teaching.md"}

    assert _tool(tmp_path, "other-owner/other.repo", "release/2.x") == 0  # a branch with a slash, then back
    _assert_all_agree(tmp_path, GITHUB + "other-owner/other.repo", "release/2.x")
    assert _tool(tmp_path, repository.removeprefix(GITHUB), ref) == 0
    assert {name: (tmp_path / name).read_bytes() for name in original} == original
    capsys.readouterr()
    assert _tool(tmp_path, repository.removeprefix(GITHUB), ref) == 0
    assert "0 file(s) changed" in capsys.readouterr().out
    assert {name: (tmp_path / name).read_bytes() for name in original} == original


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    to = tmp_path_factory.mktemp("repository")
    return to, _copy(ROOT, to)


@pytest.mark.parametrize(
    "repo, ref, says",
    [
        ("", "v1", "usage: make colab-links"),
        ("owner", "v1", "is not a GitHub repository name"),
        (GITHUB + "owner/name", "v1", "without the address"),
        ("owner/name.git", "v1", "leave out the '.git'"),
        ("-owner/name", "v1", "is not a GitHub repository name"),
        ("owner/na me", "v1", "is not a GitHub repository name"),
        ('owner/name"', "v1", "is not a GitHub repository name"),
        ("owner/name", "v1..2", "is not a usable git tag or branch"),
        ("owner/name", "v1 2", "is not a usable git tag or branch"),
        ("owner/name", 'v1"; rm', "is not a usable git tag or branch"),
        ("owner/name", "-v1", "is not a usable git tag or branch"),
        ("owner/name", "v1.lock", "is not a usable git tag or branch"),
        ("owner/name", "v1@{0}", "is not a usable git tag or branch"),
        ("owner/name", "", "usage: make colab-links"),
    ],
)
def test_bad_repo_or_ref_is_refused_before_any_file_changes(copy, repo, ref, says):
    root, original = copy
    with pytest.raises(SystemExit) as err:
        _tool(root, repo, ref)
    assert says in str(err.value)
    assert {name: (root / name).read_bytes() for name in original} == original


def test_a_file_the_tool_cannot_read_stops_it_before_any_file_changes(tmp_path):
    original = _copy(ROOT, tmp_path)
    last = tmp_path / "notebooks" / NOTEBOOKS[-1].name  # rewritten last: config.py and the rest come first
    text = last.read_text().replace("repository, ref = ", "repository, ref  = ")
    last.write_text(text)
    with pytest.raises(SystemExit, match=f"notebooks/{last.name}: expected the pattern .*no file was changed"):
        _tool(tmp_path, "other/repo", "v9")
    assert {n: (tmp_path / n).read_bytes() for n in original if n != f"notebooks/{last.name}"} == {
        n: data for n, data in original.items() if n != f"notebooks/{last.name}"
    }
    assert last.read_text() == text


# All or nothing: a file the tool cannot write stops it with one message and no file changed. This machine's
# tests may run as root, whom file permissions do not stop: the chmod cases skip there, and the same paths
# run with os.access (the tool's writability check) or os.replace (its write) made to fail for one file.
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
TARGETS = ["notebooks/03_dcgan.ipynb", "README.md", "gan_course/config.py"]


def _state(root):
    """Every file under ``root`` (temporary files included) and its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _deny_write(monkeypatch, denied):
    """os.access as for a user who may not write ``denied`` (a file or a folder)."""
    access = os.access

    def fake(path, mode, *args, **kwargs):
        if mode & os.W_OK and Path(path) == denied:
            return False
        return access(path, mode, *args, **kwargs)

    monkeypatch.setattr(colab_links.os, "access", fake)


@pytest.mark.parametrize("name", TARGETS)
def test_a_file_the_tool_may_not_write_stops_it_before_any_file_changes(tmp_path, monkeypatch, name):
    _copy(ROOT, tmp_path)
    before = _state(tmp_path)
    _deny_write(monkeypatch, tmp_path / name)
    with pytest.raises(SystemExit) as err:
        _tool(tmp_path, "other/repo", "v9")
    assert str(err.value) == (
        f"colab-links: {name} is not writable: chmod u+w it, or run as its owner; no file was changed"
    )
    assert _state(tmp_path) == before


def test_a_folder_the_tool_may_not_write_in_stops_it_before_any_file_changes(tmp_path, monkeypatch):
    _copy(ROOT, tmp_path)
    before = _state(tmp_path)
    _deny_write(monkeypatch, tmp_path / "notebooks")
    with pytest.raises(SystemExit, match=r"the folder of notebooks/01_\S+ .* is not writable.*no file was changed"):
        _tool(tmp_path, "other/repo", "v9")
    assert _state(tmp_path) == before


@pytest.mark.skipif(AS_ROOT, reason="root writes read-only files: the os.access tests above cover this path")
@pytest.mark.parametrize("name", TARGETS)
def test_a_read_only_file_stops_the_tool_before_any_file_changes(tmp_path, name):
    _copy(ROOT, tmp_path)
    before = _state(tmp_path)
    (tmp_path / name).chmod(0o444)
    try:
        with pytest.raises(SystemExit, match=f"colab-links: {re.escape(name)} is not writable: chmod u\\+w it"):
            _tool(tmp_path, "other/repo", "v9")
    finally:
        (tmp_path / name).chmod(0o644)
    assert _state(tmp_path) == before


def _fail_replace(monkeypatch, tmp_path, from_call, error, until=None):
    """os.replace that fails on calls from_call..until (1-based) and records the files it refused."""
    replace, calls, refused = os.replace, [0], []

    def fake(src, dst, *args, **kwargs):
        calls[0] += 1
        if calls[0] >= from_call and (until is None or calls[0] <= until):
            refused.append(str(Path(dst).relative_to(tmp_path)))
            raise error
        return replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(colab_links.os, "replace", fake)
    return refused


@pytest.mark.parametrize(
    "error, says",
    [
        (PermissionError(13, "Permission denied"), "is not writable (Permission denied): chmod u+w it"),
        (OSError(28, "No space left on device"), "(No space left on device): free space"),
    ],
)
def test_a_write_that_fails_half_way_puts_back_the_files_already_written(tmp_path, monkeypatch, error, says):
    _copy(ROOT, tmp_path)
    before = _state(tmp_path)
    refused = _fail_replace(monkeypatch, tmp_path, 3, error, until=3)  # two files replaced, the third fails
    with pytest.raises(SystemExit) as err:
        _tool(tmp_path, "other/repo", "v9")
    assert len(refused) == 1
    assert refused[0] in str(err.value) and says in str(err.value)
    assert str(err.value).endswith("; no file was changed")
    assert _state(tmp_path) == before, "a file was left rewritten, or a temporary file left behind"
    monkeypatch.undo()  # and the tool still works afterwards
    assert _tool(tmp_path, "other/repo", "v9") == 0
    _assert_all_agree(tmp_path, GITHUB + "other/repo", "v9")


def test_when_os_replace_keeps_failing_the_files_are_put_back_in_place(tmp_path, monkeypatch):
    _copy(ROOT, tmp_path)
    before = _state(tmp_path)
    refused = _fail_replace(monkeypatch, tmp_path, 3, PermissionError(13, "Permission denied"))
    with pytest.raises(SystemExit, match="no file was changed"):
        _tool(tmp_path, "other/repo", "v9")
    assert len(refused) == 3  # the third file, then the two put back through a temporary file
    assert _state(tmp_path) == before


def test_a_file_that_cannot_be_put_back_is_named(tmp_path, monkeypatch):
    _copy(ROOT, tmp_path)
    _fail_replace(monkeypatch, tmp_path, 3, OSError(5, "Input/output error"), until=3)
    put_back = colab_links._put_back

    def fake(path, data):
        if path.name == "pyproject.toml":
            raise OSError(5, "Input/output error")
        put_back(path, data)

    monkeypatch.setattr(colab_links, "_put_back", fake)
    with pytest.raises(SystemExit) as err:
        _tool(tmp_path, "other/repo", "v9")
    message = str(err.value)
    assert "could not all be put back" in message and "pyproject.toml (Input/output error)" in message
    assert "no file was changed" not in message
    assert "README.md" not in message.split("put back")[1], "README.md was put back"


def test_through_make_a_file_it_may_not_write_ends_in_one_line_on_stderr(tmp_path):
    """As `make colab-links` runs it (a new Python process), with os.access denying one lesson."""
    _copy(ROOT, tmp_path)
    before = _state(tmp_path)
    denied = tmp_path / "notebooks" / "03_dcgan.ipynb"
    wrapper = (
        "import os, runpy, sys\n"
        "access = os.access\n"
        f"os.access = lambda p, m, *a, **k: False if m & os.W_OK and str(p) == {str(denied)!r} else access(p, m)\n"
        f"sys.argv = [sys.argv[0], '--root', {str(tmp_path)!r}, '--', 'other/repo', 'v9']\n"
        f"runpy.run_path({str(ROOT / 'tools' / 'colab_links.py')!r}, run_name='__main__')\n"
    )
    run = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, timeout=120)
    assert run.returncode == 1 and run.stdout == ""
    assert run.stderr == (
        "colab-links: notebooks/03_dcgan.ipynb is not writable: chmod u+w it, or run as its owner; "
        "no file was changed\n"
    )
    assert _state(tmp_path) == before


def test_a_write_keeps_the_file_mode_and_a_symbolic_link(tmp_path):
    _copy(ROOT, tmp_path)
    readme = tmp_path / "README.md"
    readme.chmod(0o640)
    real = tmp_path / "notebooks" / "real.txt"
    (tmp_path / "notebooks" / "01_gan_theory.ipynb").rename(real)
    (tmp_path / "notebooks" / "01_gan_theory.ipynb").symlink_to("real.txt")
    assert _tool(tmp_path, "other/repo", "v9") == 0
    assert readme.stat().st_mode & 0o777 == 0o640
    assert (tmp_path / "notebooks" / "01_gan_theory.ipynb").is_symlink()
    assert "other/repo/blob/v9" in real.read_text()


def test_a_missing_file_stops_the_tool_before_any_file_changes(tmp_path):
    _copy(ROOT, tmp_path)
    (tmp_path / "README.md").unlink()
    before = _state(tmp_path)
    with pytest.raises(SystemExit, match=r"README\.md is missing: .*; no file was changed"):
        _tool(tmp_path, "other/repo", "v9")
    assert _state(tmp_path) == before


RUN_CELLS = r"""
import json, os, re, sys, types, warnings
sys.modules["google.colab"] = types.ModuleType("google.colab")  # what the Setup cell looks for
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output
shell = InteractiveShell.instance()
results = []
for name, source, git_target in json.loads(sys.stdin.read()):
    os.environ["GIT_CONFIG_KEY_0"] = f"url.{git_target}.insteadOf"  # github.com -> a local folder
    warnings.resetwarnings()
    warnings.simplefilter("always")  # so that a warning the cell does not silence would show
    with capture_output() as cap:
        result = shell.run_cell(source)
    text = re.sub(r"\x1b\[[0-9;]*m", "", cap.stdout + cap.stderr)
    results.append([name, type(result.error_in_exec).__name__, text])
print(json.dumps(results))
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="pip installs from a git URL with git")
def test_a_failed_install_on_colab_ends_in_one_message_not_a_traceback(tmp_path):
    """Every lesson's real Setup cell, in IPython, with google.colab faked and github.com sent to local
    folders: an empty one (no such repository) and, for lesson 01, a git repository without the tag."""
    repository, ref = _config(ROOT)
    repos = tmp_path / "repos"
    scratch = repos / repository.removeprefix(GITHUB)
    scratch.mkdir(parents=True)
    git = ["git", "-C", str(scratch), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(git[:3] + ["init", "-q", "-b", "scratch"], check=True)
    (scratch / "README").write_text("no package here\n")
    subprocess.run(git + ["add", "README"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "scratch"], check=True)
    cases = [(nb.name, _setup_cell(json.loads(nb.read_text())), (tmp_path / "none").as_uri() + "/") for nb in NOTEBOOKS]
    cases.append(("no tag: " + NOTEBOOKS[0].name, cases[0][1], repos.as_uri() + "/"))
    target = tmp_path / "target"
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "IPYTHONDIR": str(tmp_path / "ipython"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_COUNT": "1",
        "GIT_CONFIG_VALUE_0": GITHUB,
        "GIT_TERMINAL_PROMPT": "0",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "PIP_TARGET": str(target),  # should anything install after all, not into this environment
    }
    run = subprocess.run(
        [sys.executable, "-c", RUN_CELLS], input=json.dumps(cases), env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-3000:]
    results = json.loads(run.stdout.strip().splitlines()[-1])
    assert len(results) == len(cases)
    for name, error, text in results:
        lines = [line for line in text.splitlines() if line.strip()]
        assert error == "SystemExit", (name, text)  # an error: Run all stops at the Setup cell
        assert "Traceback" not in text and "Warning" not in text, (name, text)
        assert lines[0] == "An exception has occurred, use %tb to see the full traceback.", (name, text)  # IPython's
        assert lines[1].startswith(f"SystemExit: Could not install gan-course {ref} from {repository}. pip said: ")
        assert lines[2].startswith("Fix: check that Colab is online, then run this cell again."), (name, text)
        assert len(lines) == 3, (name, text)
        if name.startswith("no tag"):
            assert f"git checkout -q {ref}" in lines[1], text
        else:
            assert "pip said: fatal: " in lines[1] and "does not appear to be a git repository" in lines[1], text
    assert not target.exists() or not any(target.iterdir())
