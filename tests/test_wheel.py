"""A new user with only the wheel: install it in a fresh venv outside the repository, `init`, `build`, `pack`."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built from a copy of the sources, so the checkout gets no build/ or egg-info folders."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        (source / name).write_bytes((REPO / name).read_bytes())
    for folder in ("src", "templates", "schema"):
        subprocess.run(["cp", "-r", str(REPO / folder), str(source / folder)], check=True)
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the venv's setuptools builds it, nothing is downloaded.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(out), str(source)], check=True, capture_output=True)
    [built] = out.glob("briefkit-*.whl")
    return built


def test_the_wheel_holds_every_module_the_defaults_and_the_example(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {path.relative_to(REPO / "src").as_posix() for path in (REPO / "src" / "briefkit").rglob("*.py")}
    assert modules <= names, f"missing from the wheel (add the package to pyproject.toml): {sorted(modules - names)}"
    defaults = {f"briefkit/_defaults/templates/{path.name}" for path in (REPO / "templates").iterdir()}
    defaults |= {f"briefkit/_defaults/schema/{path.name}" for path in (REPO / "schema").glob("*.json")}
    assert defaults <= names, sorted(defaults - names)
    assert {"briefkit/_example/plan.yaml", "briefkit/_example/glossary.yaml"} <= names
    assert {"briefkit/preview/assets/page.html", "briefkit/preview/assets/preview.js"} <= names


@pytest.mark.slow
def test_init_then_build_from_the_installed_wheel_alone(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The dependencies come from this venv (no downloads); its own briefkit (editable) is not on the path,
    # because a path added by a .pth line is not itself scanned for .pth files.
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True, env=env)
    purelib = Path(sysconfig.get_paths()["purelib"])
    [site] = venv.glob("lib/python*/site-packages")
    (site / "shared-dependencies.pth").write_text(f"{purelib}\n")  # after the install: pip must not see ours
    env["SOURCE_DATE_EPOCH"] = "1800000000"
    work = tmp_path / "press-office"

    def briefkit(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(venv / "bin" / "briefkit"), *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=300)

    work.mkdir()
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import briefkit; print(briefkit.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(venv)), where  # the installed wheel, not the checkout
    made = briefkit("init")
    assert made.returncode == 0, made.stderr
    assert not (work / "templates").exists()  # the defaults come from the package
    assert briefkit("validate", "--strict").returncode == 0
    built = briefkit("build", "--doc", "press-brief", "--lang", "en", "--lang", "zh", "--format", "pdf",
                     "--format", "docx", "--jobs", "2")
    assert built.returncode == 0, built.stderr
    out = work / "output" / "reading-rooms"
    for name in ("press-brief.en.pdf", "press-brief.zh.pdf", "press-brief.en.docx", "press-brief.zh.docx"):
        assert (out / name).stat().st_size > 10_000, name
    text = subprocess.run(["pdftotext", str(out / "press-brief.zh.pdf"), "-"], capture_output=True, text=True).stdout
    assert "江滨市" in text and "24小时城市书房" in text.replace(" ", "")
    assert "cannot read file" not in built.stderr and "warning" not in built.stderr
    version = briefkit("--version")
    assert version.returncode == 0 and "briefkit, version 0." in version.stdout
