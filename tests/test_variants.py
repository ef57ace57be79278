"""Per-student variants: keys from the course secret, seeds from keys, the default variant."""

from __future__ import annotations

import os
import stat
from types import SimpleNamespace

import numpy as np
import pytest

from course_utils.grading import variants
from course_utils.variant import DEFAULT_SEED, KEY_VARIABLE, current_variant, seed_from_key

SECRET = "5e" * 32
STUDENTS = [f"student{i:02d}" for i in range(20)] + ["Ünïcode user", "a" * 200]


def test_keys_and_seeds_are_stable_and_differ_between_students_and_assignments():
    keys = {s: variants.student_key(SECRET, s) for s in STUDENTS}
    assert keys == {s: variants.student_key(SECRET, s) for s in STUDENTS}
    assert len(set(keys.values())) == len(STUDENTS)
    seeds = {seed_from_key(k, "week5_svd") for k in keys.values()}
    assert len(seeds) == len(STUDENTS) and all(0 <= s < 2**63 for s in seeds)
    key = keys["student00"]
    assert seed_from_key(key, "week5_svd") != seed_from_key(key, "week6_ica")


def test_a_key_depends_on_the_secret():
    other = "a1" * 32
    assert variants.student_key(SECRET, "alice") != variants.student_key(other, "alice")


def test_the_notebook_and_the_grader_derive_the_same_variant():
    env = variants.kernel_environment(SECRET, "alice")
    variant = current_variant("week5_svd", environ=env)
    assert variant.personal and variant.seed == seed_from_key(variants.student_key(SECRET, "alice"), "week5_svd")
    assert "your own variant" in variant.describe()


def test_without_a_key_the_notebook_uses_the_default_variant_and_says_so():
    variant = current_variant("week5_svd", environ={})
    assert (variant.seed, variant.personal) == (DEFAULT_SEED, False)
    assert "default variant" in variant.describe() and KEY_VARIABLE in variant.describe()
    assert variants.kernel_environment(None, "alice") == {}  # variants off: no key


@pytest.mark.parametrize("key", ["xyz", "ABCD" * 16, "0" * 31, "0" * 129])
def test_a_malformed_key_is_an_error_not_a_silent_default(key):
    with pytest.raises(ValueError, match=f"{KEY_VARIABLE} must be 32 to 128 lowercase hexadecimal"):
        current_variant("week5_svd", environ={KEY_VARIABLE: key})


def test_streams_per_purpose_are_reproducible_and_independent():
    variant = current_variant("week5_svd", environ=variants.kernel_environment(SECRET, "bob"))
    a, b = variant.rng("noise").standard_normal(5), variant.rng("noise").standard_normal(5)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, variant.rng("matrices").standard_normal(5))


def test_secret_from_environment_or_file(tmp_path):
    path = tmp_path / variants.SECRET_FILE
    assert variants.load_secret(path, environ={}) is None  # variants off
    secret = variants.create_secret(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert variants.load_secret(path, environ={}) == secret
    assert variants.load_secret(path, environ={variants.SECRET_VARIABLE: SECRET}) == SECRET
    with pytest.raises(FileExistsError):
        variants.create_secret(path)  # a new secret would move every student to a new variant
    path.write_text("not hex")
    with pytest.raises(ValueError, match="64 lowercase hexadecimal digits"):
        variants.load_secret(path, environ={})


def test_hub_hook_gives_the_spawned_user_their_key(monkeypatch):
    spawner = SimpleNamespace(user=SimpleNamespace(name="carol"))
    monkeypatch.delenv(variants.SECRET_VARIABLE, raising=False)
    with pytest.raises(RuntimeError, match=variants.SECRET_VARIABLE):
        variants.hub_variant_key(spawner)
    monkeypatch.setenv(variants.SECRET_VARIABLE, SECRET)
    assert variants.hub_variant_key(spawner) == variants.student_key(SECRET, "carol")


def test_the_grading_kernel_gets_the_students_key_and_only_theirs(tmp_path, monkeypatch):
    from nbformat.v4 import new_code_cell, new_notebook
    from traitlets.config import Config

    from course_utils.grading.execute import METADATA_KEY, SandboxedExecute

    secret_file = tmp_path / variants.SECRET_FILE
    secret = variants.create_secret(secret_file)
    monkeypatch.delenv(variants.SECRET_VARIABLE, raising=False)
    monkeypatch.setenv(KEY_VARIABLE, "f" * 64)  # the grader's own environment never reaches the kernel

    answers = "import numpy as np\nk_gd, k_best, k_99 = np.int64(40), 'forty', [1, 2.5]"

    def key_seen_by(student, secret_path):
        nb = new_notebook(cells=[new_code_cell(f"import os; print(os.environ.get({KEY_VARIABLE!r}))"),
                                 new_code_cell(answers)])
        ep = SandboxedExecute(timeout=20, config=Config({"SandboxedExecute": {"variant_secret_file": secret_path}}))
        resources = {"metadata": {"path": str(tmp_path)}, "nbgrader": {"student": student}}
        nb, _ = ep.preprocess(nb, resources)
        seen = nb.metadata[METADATA_KEY]
        return nb.cells[0].outputs[0].text.strip(), seen["variant_key"], seen.get("answers")

    # with a key, the kernel also reports the data-dependent answers it holds that are numbers
    assert key_seen_by("alice", str(secret_file)) == (variants.student_key(secret, "alice"), True,
                                                      {"k_gd": 40, "k_99": [1, 2.5]})
    assert key_seen_by("alice", str(tmp_path / "absent")) == ("None", False, None)  # variants off: nothing asked


def test_a_remote_worker_gets_the_key_computed_on_the_trusted_side_and_no_secret(tmp_path, monkeypatch):
    """Shared-nothing grading: the trusted side computes the key; the task carries it, never the secret."""
    from distributed import Client, LocalCluster
    from nbformat.v4 import new_code_cell, new_notebook
    from traitlets.config import Config

    from course_utils.grading import remote
    from course_utils.grading.execute import METADATA_KEY

    secret_file = tmp_path / variants.SECRET_FILE
    secret = variants.create_secret(secret_file)
    monkeypatch.delenv(variants.SECRET_VARIABLE, raising=False)
    code = f"import os; print(os.environ.get({KEY_VARIABLE!r}), os.environ.get('NBGRADER_EXECUTION'))"
    shipped = []
    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster, Client(cluster) as client:
        submit = client.submit
        monkeypatch.setattr(client, "submit", lambda *a, **kw: shipped.append(repr(a)) or submit(*a, **kw))
        remote.use_client(client)
        try:
            ep = remote.RemoteExecute(timeout=20, config=Config(
                {"SandboxedExecute": {"variant_secret_file": str(secret_file)}}))
            nb, _ = ep.preprocess(new_notebook(cells=[new_code_cell(code)]),
                                  {"nbgrader": {"student": "alice", "notebook": "1_rank"}})
        finally:
            remote.use_client(None)
    assert nb.cells[0].outputs[0].text.split() == [variants.student_key(secret, "alice"), "autograde"]
    report = nb.metadata[METADATA_KEY]
    assert report["variant_key"] and report["runs"] == 1 and report["worker"].startswith(("inproc://", "tcp://"))
    assert len(shipped) == 1 and variants.student_key(secret, "alice") in shipped[0] and secret not in shipped[0]


def test_the_report_names_the_seed_the_students_notebooks_used():
    label = variants.variant_label(SECRET, "alice", "week5_svd")
    seen_by_notebook = current_variant("week5_svd", environ=variants.kernel_environment(SECRET, "alice")).seed
    assert label == f"seed {seen_by_notebook}"
    assert variants.variant_label(None, "alice", "week5_svd") == ""  # variants off


# ----------------------------------------------------------------------- the variant in the formgrader and feedback

def _notebook(minor=5):
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    graded = {"grade": True, "solution": False, "locked": True, "points": 1, "grade_id": "t", "schema_version": 3}
    nb = new_notebook(cells=[new_markdown_cell("# Part 2"), new_code_cell("k_99 = 1"),
                             new_code_cell("assert k_99", metadata={"nbgrader": graded})])
    nb.nbformat_minor = minor
    if minor < 5:
        for cell in nb.cells:
            del cell["id"]
    return nb


def _show_variant(nb, student, secret_file):
    from traitlets.config import Config

    from course_utils.grading.preprocessors import ShowVariant

    pp = ShowVariant(config=Config({"ShowVariant": {"variant_secret_file": str(secret_file)}}))
    return pp.preprocess(nb, {"nbgrader": {"student": student, "assignment": "week5_svd", "notebook": "n"}})[0]


def test_the_graded_notebook_starts_with_the_students_data_in_words_once(tmp_path, monkeypatch):
    import copy

    import nbformat
    from nbformat.v4 import new_markdown_cell
    from nbgrader.preprocessors import CheckCellMetadata

    from course_utils.grading.preprocessors import VARIANT_CELL

    monkeypatch.delenv(variants.SECRET_VARIABLE, raising=False)
    secret_file = tmp_path / variants.SECRET_FILE
    secret = variants.create_secret(secret_file)
    words = {s: variants.variant_words(secret, s, "week5_svd") for s in ("alice", "bob")}
    assert words["alice"] != words["bob"]
    seed = current_variant("week5_svd", environ=variants.kernel_environment(secret, "alice")).seed
    assert words["alice"].startswith(f"seed {seed} (part 2: ") and "; part 3: sigma = " in words["alice"]

    nb = _notebook()
    # a student who forges the cell (to claim other data) loses it: the grader's replaces it
    nb.cells.insert(2, new_markdown_cell(f"seed 1 ({words['bob']})", metadata={VARIANT_CELL: True}))
    original = [c.source for c in nb.cells if not c.metadata.get(VARIANT_CELL)]
    nb = _show_variant(nb, "alice", secret_file)
    first, *rest = nb.cells
    assert first.cell_type == "markdown" and first.metadata.get(VARIANT_CELL) and "nbgrader" not in first.metadata
    assert words["alice"] in first.source and "not graded" in first.source
    assert words["bob"] not in first.source and secret not in first.source
    assert variants.student_key(secret, "alice") not in first.source  # the seed, not the key
    assert [c.source for c in rest] == original  # nothing else moves
    nbformat.validate(nb)
    CheckCellMetadata().preprocess(nb, {})
    # autograde again, then generate_feedback: still one cell, the same
    again = _show_variant(copy.deepcopy(nb), "alice", secret_file)
    assert _show_variant(again, "alice", secret_file) == nb

    old = _show_variant(_notebook(minor=4), "alice", secret_file)  # nbformat 4.4: no cell ids
    assert words["alice"] in old.cells[0].source and "id" not in old.cells[0]
    nbformat.validate(old)


def test_without_a_secret_nothing_is_added(tmp_path, monkeypatch):
    monkeypatch.delenv(variants.SECRET_VARIABLE, raising=False)
    nb = _show_variant(_notebook(), "alice", tmp_path / "absent")
    assert [(c.cell_type, c.source, c.metadata) for c in nb.cells] == [(c.cell_type, c.source, c.metadata)
                                                                       for c in _notebook().cells]
    monkeypatch.setenv(variants.SECRET_VARIABLE, SECRET)  # the grader's environment may hold it instead
    assert variants.variant_words(SECRET, "alice", "week5_svd") in _show_variant(_notebook(), "alice",
                                                                                tmp_path / "absent").cells[0].source


def test_the_course_config_shows_the_variant_in_the_formgrader_and_the_feedback():
    from pathlib import Path

    from traitlets.config.loader import PyFileConfigLoader

    from nbgrader.preprocessors import SaveAutoGrades

    from course_utils.grading.preprocessors import ShowVariant

    repo = Path(__file__).resolve().parents[1]
    config = PyFileConfigLoader("nbgrader_config.py", path=str(repo)).load_config()
    autograde = config.Autograde.autograde_preprocessors
    assert ShowVariant in autograde and autograde.index(ShowVariant) < autograde.index(SaveAutoGrades)
    assert ShowVariant in config.GenerateFeedback.preprocessors
    assert config.ShowVariant.variant_secret_file == config.SandboxedExecute.variant_secret_file
