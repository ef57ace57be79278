"""The grading report: HTML content, escaping, links, figures, and the terminal summary."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest
from PIL import Image

from course_utils.grading.report import summary_table, write_report
from course_utils.grading.results import ClassResult, QuestionScore, StudentResult

NOTEBOOKS = ("1_rank", "2_images")
# (notebook, grade_id, max_score, manual)
CELLS = [("1_rank", "q1_proof", 8.0, True), ("1_rank", "rank_visible", 2.0, False),
         ("1_rank", "rank_hidden", 3.0, False), ("2_images", "approx_hidden", 4.0, False),
         ("2_images", "q8_observations", 4.0, True)]
EVIL = "<script>alert('x')</script>"
CRASH_REASONS = ["kernel died in 2_images", "autograde failed: <b>bad</b> & worse"]


def _student(sid, scores, attention=(), feedback_dir=None):
    questions = [QuestionScore(nb, gid, sc, mx, manual) for (nb, gid, mx, manual), sc in zip(CELLS, scores)]
    feedback = {}
    if feedback_dir is not None:
        for nb in NOTEBOOKS:
            path = feedback_dir / "feedback" / sid / "week5_svd" / f"{nb}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("<html>feedback</html>")
            feedback[nb] = path
    return StudentResult(sid, questions, list(attention), feedback)


@pytest.fixture
def result(tmp_path):
    csv = tmp_path / "grades.csv"
    csv.write_text("student,score\n")
    students = [
        _student("alice", [8, 2, 3, 4, 4], feedback_dir=tmp_path),            # perfect, manual graded
        _student("bob", [None, 2, 1, 2, None], feedback_dir=tmp_path),        # partial, manual pending
        _student("carol", [None, None, None, None, None], CRASH_REASONS, tmp_path),  # crashed
        _student(EVIL, [None, 0, 3, 0, None], ["edited test cell rank_hidden"], tmp_path),
    ]
    return ClassResult("week5_svd", students, grades_csv=csv, seconds={"autograde": 12.5, "feedback": 3.25})


@pytest.fixture
def page(result, tmp_path):
    return write_report(result, tmp_path / "report")


def _section(text, section_id):
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', text, flags=re.S)
    assert match, f"no section {section_id}"
    return match.group(1)


def test_index_lists_every_student_escaped(page, result):
    text = page.read_text()
    assert page.name == "index.html"
    for sid in ("alice", "bob", "carol"):
        assert f"<code>{sid}</code>" in text
    assert EVIL not in text and "<script" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "<b>bad</b>" not in text and "&lt;b&gt;bad&lt;/b&gt; &amp; worse" in text
    assert "http" not in text and "<link" not in text


def test_header_numbers(page):
    text = page.read_text()
    assert "week5_svd" in text and "<b>4</b>students" in text and "<b>2</b>need attention" in text
    # graded normally: alice 21/21 = 100 %; bob 5 of the 9 points graded so far (12 hand-graded points
    # pending count neither way) = 55.6 %
    assert f"<b>{(100 + 500 / 9) / 2:.1f}%</b>mean" in text
    assert "autograde 12.5 s" in text and "total 15.8 s" in text


def test_needs_attention_lists_exactly_the_attention_students(page):
    section = _section(page.read_text(), "attention")
    ids = re.findall(r"<tr><td><code>(.*?)</code>", section)
    assert ids == ["carol", "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"]
    # one list item per reason, the reason kind in bold
    items = re.findall(r"<li>(.*?)</li>", section)
    assert items == ["<strong>kernel died</strong> in 2_images",
                     "<strong>autograde failed</strong>: &lt;b&gt;bad&lt;/b&gt; &amp; worse",
                     "<strong>edited test cell</strong> rank_hidden"]


def test_every_link_resolves_to_an_existing_file(page, result):
    text = page.read_text()
    hrefs = re.findall(r'href="([^"]*)"', text)
    srcs = re.findall(r'src="([^"]*)"', text)
    # 2 feedback links per student in the full table, again for the attention students, plus the CSV
    assert len(hrefs) == 2 * 4 + 2 * 2 + 1
    for link in hrefs + srcs:
        assert not Path(unquote(link)).is_absolute()
        assert (page.parent / unquote(link)).resolve().is_file(), link
    assert any(unquote(h).endswith("grades.csv") for h in hrefs)
    evil_targets = {(page.parent / unquote(h)).resolve() for h in hrefs if "script" in unquote(h)}
    assert evil_targets == {p.resolve() for p in result.students[3].feedback.values()}


def test_missing_feedback_is_not_a_broken_link(result, tmp_path):
    result.students[1].feedback["2_images"].unlink()  # bob: graded normally
    result.students[2].feedback["1_rank"].unlink()  # carol: needs attention
    text = write_report(result, tmp_path / "r2").read_text()
    assert "1_rank (missing)" in text and "(missing)" not in text.replace("1_rank (missing)", "", 1)
    bob = re.search(r"<code>bob</code>.*?</tr>", text).group(0)
    assert bob.endswith('<td class="n">2 / 8</td></tr>')  # subtotal shown, not linked
    for link in re.findall(r'href="([^"]*)"', text):
        assert (tmp_path / "r2" / unquote(link)).resolve().is_file()


def test_relative_feedback_paths_use_feedback_root(result, tmp_path):
    for s in result.students:
        s.feedback = {nb: p.relative_to(tmp_path) for nb, p in s.feedback.items()}
    text = write_report(result, tmp_path / "r3", feedback_root=tmp_path).read_text()
    hrefs = re.findall(r'href="([^"]*)"', text)
    assert len(hrefs) == 13 and "(missing)" not in text


def test_figures_are_valid_pngs(page):
    text = page.read_text()
    srcs = re.findall(r'<img src="([^"]*)"', text)
    assert len(srcs) == 2
    for src in srcs:
        with Image.open(page.parent / src) as img:
            img.verify()
            assert img.format == "PNG" and img.width > 400 and img.height > 200


def test_full_table_rows(page):
    text = page.read_text()
    rows = re.findall(r'<tr class="(att)?"><td><code>(.*?)</code>(.*?)</tr>', text)
    assert [r[1] for r in rows] == ["alice", "bob", "carol", "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"]
    assert [r[0] for r in rows] == ["", "", "att", "att"]
    alice, bob, carol = rows[0][2], rows[1][2], rows[2][2]
    assert "21 / 21" in alice and "100.0%" in alice and "13 / 13" in alice and "8 / 8" in alice
    # bob: autograded 5 of 9, 12 hand-graded points pending, 5 of 21 so far (55.6 % of what is graded),
    # notebook subtotals 3/13 and 2/8
    cells = [re.sub(r"<[^>]*>", "", c) for c in re.findall(r'<td class="n[^"]*">(.*?)</td>', bob)]
    assert cells == ["5 / 9", "12", "5 / 21", "55.6%", "3 / 13", "2 / 8"]
    assert re.search(r'<a href="[^"]*/bob/week5_svd/2_images.html" title="feedback on 2_images">2 / 8</a>', bob)
    assert carol.count("not graded") == 2 and carol.count('class="n muted"') == 2


def test_summary_table(result):
    text = summary_table(result, width=200)
    lines = text.splitlines()
    assert len(lines) == 2 + 4 + 1
    for line, sid in zip(lines[2:6], ["alice", "bob", "carol", EVIL[:21] + "..."]):
        assert line.startswith(sid)
    assert re.search(r"9 / 9\s+100\.0%$", lines[2])
    assert lines[4].endswith("kernel died in 2_images; autograde failed: <b>bad</b> & worse")
    assert lines[-1] == (f"4 students; graded normally: 2; needs attention: 2; "
                         f"mean score (graded normally): {(100 + 500 / 9) / 2:.1f}%")
    # fixed-width: the percent column ends at the same position on every row
    ends = {m.end() for m in (re.search(r"\d%", line) for line in lines[2:6])}
    assert len(ends) == 1


def test_summary_table_clips_long_reasons(result):
    result.students[2].attention = ["timeout " + "x" * 300, "autograde failed:\nTraceback\n  line 3"]
    lines = summary_table(result, width=80).splitlines()
    assert len(lines) == 7
    assert all(len(line) <= 80 for line in lines[:-1]) and lines[4].endswith("...")
    wide = summary_table(result, width=1000).splitlines()
    assert len(wide) == 7 and wide[4].endswith("; autograde failed: Traceback line 3")


@pytest.mark.parametrize("width, error", [("80", TypeError), (0, ValueError)])
def test_summary_table_rejects_bad_width(result, width, error):
    with pytest.raises(error, match="width must be"):
        summary_table(result, width=width)


def test_no_students(tmp_path):
    empty = ClassResult("week5_svd")
    text = write_report(empty, tmp_path).read_text()
    assert "Every submission was graded normally." in text and "n/a" in text
    assert summary_table(empty).splitlines()[-1].endswith("mean score (graded normally): n/a")


@pytest.mark.parametrize("func", [summary_table, lambda r: write_report(r, ".")])
def test_rejects_other_input(func):
    with pytest.raises(TypeError, match="result must be .*ClassResult; got dict"):
        func({"students": []})


def test_questions_figure_marks_manual_cells(result):
    from course_utils.grading.report import _questions_figure

    fig = _questions_figure(result)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "1_rank / q1_proof (manual, 3 to grade)" and labels[3] == "2_images / approx_hidden"
    texts = [t.get_text() for t in ax.texts]
    assert texts == []  # every cell has at least one score (alice graded both manual cells)
    # the mean markers: rank_hidden scores 3, 1, 3 of 3 -> mean 7/9
    means = [line.get_xdata()[0] for line in ax.lines if line.get_marker() == "D"]
    assert np.isclose(means[2], 7 / 9)
    for s in result.students:
        s.questions[0] = QuestionScore("1_rank", "q1_proof", None, 8.0, manual=True)
    assert [t.get_text() for t in _questions_figure(result).axes[0].texts] == ["to grade by hand"]


def test_pending_hand_grading_is_shown_apart_from_the_autograded_score(page, result):
    text = page.read_text()
    bob = re.search(r"<tr[^>]*><td><code>bob</code></td>(.*?)</tr>", text).group(1)
    cells = re.findall(r'<td class="n">(.*?)</td>', bob)
    assert cells[:3] == ["5 / 9", "12", "5 / 21"], cells      # autograded, pending, total so far
    summary = summary_table(result)
    (row,) = [ln for ln in summary.splitlines() if ln.startswith("bob")]
    assert row.split()[1:6] == ["5", "/", "9", "12", "55.6%"], row



def test_sandbox_and_run_errors_head_the_report(result, tmp_path):
    result.sandbox = (True, "bubblewrap 0.8.0")
    text = write_report(result, tmp_path / "ok").read_text()
    assert "ran in a sandbox: bubblewrap 0.8.0" in text and 'id="errors"' not in text
    result.sandbox = (False, "bubblewrap is not installed")
    result.errors = ["2 submitted student(s) missing from the gradebook: x, y"]
    text = write_report(result, tmp_path / "bad").read_text()
    assert "without a sandbox" in text and "bubblewrap is not installed" in text
    assert 'id="errors"' in text and "missing from the gradebook: x, y" in text
    summary = summary_table(result).splitlines()
    assert summary[0].startswith("WARNING: student code ran without a sandbox")
    assert summary[1] == "ERROR: 2 submitted student(s) missing from the gradebook: x, y"


def test_each_students_variant_is_shown_beside_their_grades(result, tmp_path):
    result.students[0].variant = "seed 4242"
    text = write_report(result, tmp_path / "with-variants").read_text()
    row = next(r for r in re.findall(r"<tr.*?</tr>", text, flags=re.S) if "<code>alice</code>" in r)
    assert "seed 4242" in row
    assert text.count("seed ") == 1  # students without a variant (variants off) show none


def test_copied_answers_name_both_students_in_the_report_and_the_summary(result, tmp_path):
    from course_utils.grading.copies import Match

    result.copies = [Match("bob", EVIL, 0, 2, ("k_gd", "k_best"))]
    result.students[1].attention.append(f"copied answers: {result.copies[0].sentence()}")
    text = write_report(result, tmp_path / "with-copies").read_text()
    copies = re.search(r'<div id="copies">(.*?)</div>', text, flags=re.S).group(1)
    assert "<code>bob</code>" in copies and f"<code>{EVIL}</code>" not in copies  # escaped
    assert "&lt;script&gt;" in copies and "k_gd, k_best" in copies
    assert "copied answers" in _section(text, "attention")
    lines = summary_table(result, width=300).splitlines()
    assert f"copied answers: bob's k_gd, k_best fit {EVIL}'s variant, not bob's own" in lines


def test_no_copies_no_copies_section(page):
    assert 'id="copies"' not in page.read_text()
