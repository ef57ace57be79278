"""environment.yml (conda) and pyproject.toml (pip) must list the same packages and versions."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _split(requirement):
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "")


def _pip_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = project["dependencies"] + project["optional-dependencies"]["test"]
    return dict(_split(r) for r in reqs)


def _conda_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    reqs = {}
    for dep in env["dependencies"]:
        for r in dep["pip"] if isinstance(dep, dict) else [dep]:
            name, spec = _split(r)
            if name not in {"python", "pip"}:
                reqs[name] = spec
    return reqs


def test_same_packages_and_versions():
    pip_reqs, conda_reqs = _pip_requirements(), _conda_requirements()
    assert pip_reqs == conda_reqs, (
        "pyproject.toml and environment.yml drifted: "
        f"only in pyproject {sorted(set(pip_reqs) - set(conda_reqs))}, "
        f"only in environment.yml {sorted(set(conda_reqs) - set(pip_reqs))}, "
        f"different versions {sorted(n for n in set(pip_reqs) & set(conda_reqs) if pip_reqs[n] != conda_reqs[n])}"
    )


def test_headless_opencv_everywhere():
    # The desktop wheel needs libGL/X11, which fresh servers lack.
    for reqs in (_pip_requirements(), _conda_requirements()):
        assert "opencv-python-headless" in reqs and "opencv-python" not in reqs


def test_drift_is_detected():
    """The comparison can fail: a changed version is reported."""
    reqs = _pip_requirements()
    reqs["numpy"] = ">=0.1"
    assert reqs != _conda_requirements()
