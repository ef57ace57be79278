"""The grading run for the instructor: an HTML report with PNG figures, and a terminal summary.

The report is one self-contained ``index.html`` (inline CSS, no JavaScript, no
external URL) next to two PNG figures, so the folder can be zipped, mailed or
opened from disk. Everything that comes from a student (ids, reasons) is
escaped with :func:`html.escape`.
"""

from __future__ import annotations

import html
import os
import statistics
from pathlib import Path
from urllib.parse import quote

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .._validation import check_positive
from .copies import DEFAULT_VARIANT
from .results import REASONS, ClassResult

__all__ = ["write_report", "summary_table"]

_NORMAL, _ATTENTION, _MANUAL = "#4c72b0", "#dd8452", "#8c8c8c"
_FIGURES = {"distribution": "score_distribution.png", "questions": "question_scores.png"}


# ----------------------------------------------------------------------------
# numbers shared by the figures, the HTML and the terminal summary
# ----------------------------------------------------------------------------
def _check_result(result):
    if not isinstance(result, ClassResult):
        raise TypeError(
            f"result must be a course_utils.grading.results.ClassResult; got {type(result).__name__}. "
            "Pass what the grading pipeline returns."
        )


def _percent(student):
    """Percent of the points graded so far: hand-graded points still pending count neither way."""
    graded_max = student.max_score - student.pending
    return 100.0 * student.score / graded_max if graded_max else 0.0


def _normal_percents(result):
    """Percent scores of the students graded normally (the others' scores are not final)."""
    return [_percent(s) for s in result.students if not s.attention]


def _mean_normal(result):
    normal = _normal_percents(result)
    return statistics.fmean(normal) if normal else None


def _layout(result):
    """Notebooks and (notebook, grade_id) keys in notebook order.

    Students with more cells go first, so a student with a missing notebook does not
    reorder the others.
    """
    keys = {}
    for student in sorted(result.students, key=lambda s: -len(s.questions)):
        for q in student.questions:
            keys.setdefault((q.notebook, q.grade_id), q.manual)
    notebooks = list(dict.fromkeys(nb for nb, _ in keys))
    keys = sorted(keys.items(), key=lambda item: notebooks.index(item[0][0]))  # stable: cell order kept
    return notebooks, keys


def _num(x):
    return f"{x:.1f}".removesuffix(".0")


# ----------------------------------------------------------------------------
# figures
# ----------------------------------------------------------------------------
def _distribution_figure(result):
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    ax = fig.add_subplot()
    bins = np.linspace(0, 100, 21)
    normal = np.histogram(_normal_percents(result), bins)[0]
    attention = np.histogram([_percent(s) for s in result.needs_attention], bins)[0]
    ax.bar(bins[:-1], normal, width=5, align="edge", color=_NORMAL, edgecolor="white",
           label=f"graded normally ({sum(normal)})")
    # stacked and hatched: an ungradable submission must not read as a low score
    ax.bar(bins[:-1], attention, bottom=normal, width=5, align="edge", color="#f6d5bd",
           edgecolor=_ATTENTION, hatch="///", label=f"needs attention ({sum(attention)}), score not final")
    mean = _mean_normal(result)
    if mean is not None:
        ax.axvline(mean, color="black", linestyle="--", linewidth=1, label=f"mean, graded normally ({mean:.1f}%)")
    ax.set(xlim=(0, 100), xlabel="total score (% of maximum)", ylabel="students",
           title=f"{result.assignment}: score distribution")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="upper left", frameon=False, fontsize="small")
    return fig


def _questions_figure(result):
    notebooks, keys = _layout(result)
    fig = Figure(figsize=(10, 1.4 + 0.32 * max(len(keys), 1)), layout="constrained")
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)  # fixed jitter: the same run gives the same figure
    labels = []
    for y, ((nb, gid), manual) in enumerate(keys):
        scores = [q for s in result.students for q in s.questions if (q.notebook, q.grade_id) == (nb, gid)]
        frac = np.array([q.score / q.max_score for q in scores if q.score is not None and q.max_score])
        pending = sum(q.score is None for q in scores)
        labels.append(f"{nb} / {gid}" + (f" (manual, {pending} to grade)" if manual and pending else
                                         " (manual)" if manual else ""))
        if notebooks.index(nb) % 2:
            ax.axhspan(y - 0.5, y + 0.5, color="#f2f2f2", zorder=0)
        if frac.size == 0:
            ax.text(0.02, y, "to grade by hand" if manual else "not graded", va="center",
                    color=_MANUAL, style="italic", fontsize="small")
            continue
        color, mean, sd = (_MANUAL if manual else _NORMAL), frac.mean(), frac.std()
        ax.barh(y, mean, height=0.6, color=color, alpha=0.3)
        # whisker clipped to [0, 1]: a fraction of points cannot leave that range
        whisker = [[mean - max(mean - sd, 0)], [min(mean + sd, 1) - mean]]
        ax.errorbar(mean, y, xerr=whisker, fmt="D", color=color, markersize=5, markeredgecolor="black", capsize=3,
                    zorder=3)
        ax.scatter(frac, y + rng.uniform(-0.25, 0.25, frac.size), s=10, color=color, alpha=0.5, linewidths=0)
    ax.set_yticks(range(len(keys)), labels, fontsize="small")
    ax.set(xlim=(-0.05, 1.05), ylim=(max(len(keys), 1) - 0.5, -0.5), title=f"{result.assignment}: score per question",
           xlabel="fraction of points\n"
                  "bar and diamond: mean over graded submissions, whisker: \u00b1 1 SD, dots: students")
    ax.grid(axis="x", color="#dddddd")
    ax.set_axisbelow(True)
    if not keys:
        ax.text(0.5, 0, "no graded cells", ha="center", va="center", color=_MANUAL)
    return fig


# ----------------------------------------------------------------------------
# HTML
# ----------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1150px;
 padding:0 1rem;color:#222;line-height:1.4}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
.card{background:#f5f7fb;border-radius:8px;padding:.6rem 1rem;min-width:8rem}
.card b{display:block;font-size:1.5rem}.muted,.muted a{color:#777}
table{border-collapse:collapse;width:100%;font-size:.92rem}
th,td{padding:.35rem .6rem;text-align:left;border-bottom:1px solid #e5e5e5;vertical-align:top}
th{background:#fafafa}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.att td:first-child{border-left:4px solid #dd8452}
#attention{background:#fff6ef;border-left:5px solid #dd8452;padding:.2rem 1rem 1rem}
.warn{background:#fde8e8;border-left:5px solid #c0392b;padding:.5rem 1rem}
#attention ul{margin:0;padding-left:1.1rem}
.bar{display:inline-block;width:70px;height:.6rem;background:#e8e8e8;border-radius:3px;margin-left:.4rem}
.bar span{display:block;height:100%;background:#4c72b0;border-radius:3px}
tr.att .bar span{background:#dd8452}
img{max-width:100%;display:block;margin:1rem 0}code{font-size:.9em}
"""


def _e(x):
    return html.escape(str(x))


def _href(path, out_dir, feedback_root):
    """A relative, URL-quoted link from `out_dir` to `path`; None when the file is not there."""
    path = Path(path)
    if not path.is_absolute():
        path = Path(feedback_root or Path.cwd()) / path
    if not path.is_file():
        return None
    return html.escape(quote(Path(os.path.relpath(path.resolve(), out_dir.resolve())).as_posix()))


def _feedback_links(student, notebooks, out_dir, feedback_root):
    """Notebook -> relative link to the student's feedback (None when the file is missing), in notebook order."""
    order = {nb: i for i, nb in enumerate(notebooks)}
    return {nb: _href(path, out_dir, feedback_root)
            for nb, path in sorted(student.feedback.items(), key=lambda item: order.get(item[0], len(order)))}


def _reason(text):
    """The reason with its kind (one of REASONS) in bold."""
    kind = next((k for k in REASONS if text.startswith(k)), "")
    return f"<strong>{_e(kind)}</strong>{_e(text[len(kind):])}"


def _run_banner(result):
    """The sandbox used, and what is wrong with the run as a whole, at the top of the page."""
    ok, how = result.sandbox
    parts = [f'<p class="muted" id="sandbox">Student code ran in a sandbox: {_e(how)}</p>' if ok else
             f'<p id="sandbox" class="warn"><b>Warning: student code ran without a sandbox.</b> {_e(how)}</p>']
    if result.errors:
        parts.append('<div id="errors" class="warn"><b>This run cannot be trusted:</b><ul>'
                     + "".join(f"<li>{_e(e)}</li>" for e in result.errors) + "</ul></div>")
    if result.regraded:
        parts.append('<div id="regraded" class="muted">Graded again (a grading worker was lost; nothing was lost, '
                     'these grades are from the second run):<ul>'
                     + "".join(f"<li><code>{_e(s)}</code>: {_e('; '.join(n))}</li>" for s, n in result.regraded.items())
                     + "</ul></div>")
    return "".join(parts)


def _who(match):
    """Whose variant a match fits, as a table cell's HTML."""
    if match.source == DEFAULT_VARIANT:
        return "the default variant (outside the hub)"
    return f"<code>{_e(match.source)}</code>"


def _copies_table(result):
    """Both students of every copied-answers match: who handed the answers in, and whose variant they fit."""
    if not result.copies:
        return ""
    rows = "".join(f"<tr><td><code>{_e(m.student)}</code></td><td>{_who(m)}</td>"
                   f"<td>{_e(', '.join(m.names))}</td><td class=n>{m.other}</td><td class=n>{m.own}</td></tr>"
                   for m in result.copies)
    return ('<div id="copies"><h3>Copied answers</h3><p>These submissions\' data-dependent answers fit another '
            "student's variant better than their own: talk to both students (the second may have shared the "
            "numbers, or may only have the same data). Answers that fit the default variant were computed "
            "outside the course hub (the kit, a laptop) or typed from such a run.</p>"
            "<table><tr><th>Handed in by</th><th>Fits the variant of</th><th>Answers</th>"
            "<th>Agreeing with that variant</th><th>Agreeing with their own</th></tr>"
            + rows + "</table></div>")


def _attention_table(result, links):
    if not result.needs_attention:
        return "<p>Every submission was graded normally.</p>"
    rows = []
    for s in result.needs_attention:
        reasons = "".join(f"<li>{_reason(r)}</li>" for r in s.attention)
        feedback = "<br>".join(f'<a href="{href}">{_e(nb)}</a>' if href else
                               f'<span class="muted">{_e(nb)} (missing)</span>' for nb, href in links[s.student].items())
        rows.append(f"<tr><td><code>{_e(s.student)}</code></td><td><ul>{reasons}</ul></td>"
                    f"<td>{feedback or 'none'}</td></tr>")
    return "<table><tr><th>Student</th><th>Reasons</th><th>Feedback</th></tr>" + "".join(rows) + "</table>"


def _student_row(student, notebooks, links):
    pct = _percent(student)
    cells = []
    for nb in notebooks:
        qs = [q for q in student.questions if q.notebook == nb]
        graded = any(q.score is not None for q in qs)
        text = (f"{_num(sum(q.score or 0 for q in qs))} / {_num(sum(q.max_score for q in qs))}" if graded
                else "not graded")
        if links.get(nb):  # the subtotal is the link to that notebook's feedback
            text = f'<a href="{links[nb]}" title="feedback on {_e(nb)}">{text}</a>'
        cells.append(f'<td class="n{"" if graded else " muted"}">{text}</td>')
    bar = f'<span class="bar"><span style="width:{min(pct, 100):.0f}%"></span></span>'
    variant = f'<br><small class="muted">{_e(student.variant)}</small>' if student.variant else ""
    return (f'<tr class="{"att" if student.attention else ""}"><td><code>{_e(student.student)}</code>{variant}</td>'
            f'<td class="n">{_num(student.auto_score)} / {_num(student.auto_max)}</td>'
            f'<td class="n">{_num(student.pending) if student.pending else ""}</td>'
            f'<td class="n">{_num(student.score)} / {_num(student.max_score)}</td><td class="n">{pct:.1f}%{bar}</td>'
            f'{"".join(cells)}</tr>')


def write_report(result, out_dir, *, feedback_root=None):
    """Write the instructor's report of a grading run: ``out_dir/index.html`` and its PNG figures.

    Parameters
    ----------
    result : ClassResult
        The grading run.
    out_dir : str or pathlib.Path
        Folder of the report; created when missing. Links in the report are relative to it.
    feedback_root : str or pathlib.Path, optional
        Folder that relative paths in ``StudentResult.feedback`` are relative to
        (default: the current directory). Absolute paths are used as they are.

    Returns
    -------
    pathlib.Path
        The ``index.html`` written.

    Raises
    ------
    TypeError
        If `result` is not a :class:`ClassResult`.

    Notes
    -----
    The page shows, in this order: the needs-attention table (one reason per line,
    links to the feedback) and, with variants, the copied answers (both students of
    each match), the score distribution (needs-attention students stacked
    and hatched, since their score is not final), the mean and spread per question,
    and the table of all students. The mean and median in the header are over the
    students graded normally. A feedback file that does not exist is listed as
    "missing" instead of a broken link.

    Examples
    --------
    >>> import tempfile
    >>> from course_utils.grading.results import ClassResult, QuestionScore, StudentResult
    >>> q = [QuestionScore("1_rank", "q1", 3.0, 4.0), QuestionScore("1_rank", "proof", None, 5.0, manual=True)]
    >>> result = ClassResult("week5_svd", [StudentResult("ada", q)])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     page = write_report(result, tmp)
    ...     sorted(p.name for p in page.parent.iterdir())
    ['index.html', 'question_scores.png', 'score_distribution.png']
    """
    _check_result(result)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, make in (("distribution", _distribution_figure), ("questions", _questions_figure)):
        make(result).savefig(out_dir / _FIGURES[name], dpi=120)  # Figure objects: nothing left open in pyplot

    notebooks, _ = _layout(result)
    links = {s.student: _feedback_links(s, notebooks, out_dir, feedback_root) for s in result.students}
    normal = _normal_percents(result)
    stats = [("students", len(result.students)), ("need attention", len(result.needs_attention)),
             ("mean, graded normally", f"{statistics.fmean(normal):.1f}%" if normal else "n/a"),
             ("median, graded normally", f"{statistics.median(normal):.1f}%" if normal else "n/a")]
    times = " · ".join(f"{_e(step)} {sec:.1f} s" for step, sec in result.seconds.items())
    if result.seconds:
        times += f" · <b>total {sum(result.seconds.values()):.1f} s</b>"
    csv = _href(result.grades_csv, out_dir, None) if result.grades_csv else None

    parts = [f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
             f"<title>Grading report: {_e(result.assignment)}</title><style>{_CSS}</style></head><body>",
             f"<h1>Grading report: {_e(result.assignment)}</h1>",
             _run_banner(result),
             f'<p class="muted">Time per step: {times or "not recorded"}</p>',
             '<div class="cards">' + "".join(f"<div class=card><b>{_e(v)}</b>{_e(k)}</div>" for k, v in stats)
             + "</div>",
             '<section id="attention"><h2>Needs attention</h2>']
    parts.append(_attention_table(result, links))
    parts.append(_copies_table(result))
    parts += ["</section><h2>Scores</h2>",
              f'<img src="{_FIGURES["distribution"]}" alt="Histogram of total scores">',
              f'<img src="{_FIGURES["questions"]}" alt="Mean and spread of the score of each question">',
              "<h2>All students</h2>",
              "<p class=muted>Each notebook's subtotal links to the student's feedback on it.</p>",
              "<table><tr><th>Student</th><th>Autograded</th><th>Hand-graded points pending</th><th>Total so far</th>"
              "<th>Percent of graded</th>"
              + "".join(f"<th>{_e(nb)}</th>" for nb in notebooks) + "</tr>"]
    parts += [_student_row(s, notebooks, links[s.student]) for s in result.students]
    parts.append("</table>")
    if csv:
        parts.append(f'<p>Grades as CSV: <a href="{csv}">{_e(Path(result.grades_csv).name)}</a></p>')
    parts.append("</body></html>\n")
    page = out_dir / "index.html"
    page.write_text("\n".join(parts), encoding="utf-8")
    return page


# ----------------------------------------------------------------------------
# terminal
# ----------------------------------------------------------------------------
def _clip(text, width):
    return text if len(text) <= width else text[: width - 3] + "..."


def summary_table(result, *, width=100):
    """A plain-text table of the grading run, for the terminal.

    Parameters
    ----------
    result : ClassResult
        The grading run.
    width : int, optional
        Line width the reasons column is clipped to (with ``...``); it keeps at least 20 characters.

    Returns
    -------
    str
        A header (with a warning line when student code ran without a sandbox, an
        error line for each problem of the run and a line naming both students of each
        copied-answers match), one row per student (student,
        autograded score / autograded maximum, hand-graded points still pending grading,
        percent of the points graded so far, reasons joined by ``"; "``) and a line counting the students graded normally and those that
        need attention, with the mean score of the former.

    Raises
    ------
    TypeError
        If `result` is not a :class:`ClassResult`, or `width` is not a number.
    ValueError
        If `width` is not > 0.

    Notes
    -----
    Student ids are clipped to 24 characters; whitespace in reasons (line breaks of an
    error message) is collapsed so that every student stays on one line.

    Examples
    --------
    >>> from course_utils.grading.results import ClassResult, QuestionScore, StudentResult
    >>> result = ClassResult("week5_svd", [
    ...     StudentResult("ada", [QuestionScore("1_rank", "q1", 3.0, 4.0)]),
    ...     StudentResult("bob", [QuestionScore("1_rank", "q1", None, 4.0)], attention=["kernel died in 1_rank"])])
    >>> print(summary_table(result))
    student  autograded  pending  percent  reasons
    -------  ----------  -------  -------  -------
    ada           3 / 4             75.0%
    bob           0 / 4              0.0%  kernel died in 1_rank
    2 students; graded normally: 1; needs attention: 1; mean score (graded normally): 75.0%
    """
    _check_result(result)
    width = int(check_positive(width, "width"))
    head = ("student", "autograded", "pending", "percent")
    rows = [(_clip(" ".join(s.student.split()), 24), f"{_num(s.auto_score)} / {_num(s.auto_max)}",
             _num(s.pending) if s.pending else "", f"{_percent(s):.1f}%",
             " ".join("; ".join(s.attention).split())) for s in result.students]
    w = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(head)]
    reasons_width = max(width - sum(w) - 8, 20)

    def line(a, b, c, d, e):
        return f"{a:<{w[0]}}  {b:>{w[1]}}  {c:>{w[2]}}  {d:>{w[3]}}  {_clip(e, reasons_width)}".rstrip()

    lines = [] if result.sandbox[0] else [f"WARNING: student code ran without a sandbox: {result.sandbox[1]}"]
    lines += [f"ERROR: {e}" for e in result.errors]
    lines += [f"graded again: {s}: {'; '.join(n)}" for s, n in result.regraded.items()]
    lines += [f"copied answers: {m.student}'s {', '.join(m.names)} fit {m.whose}, not {m.student}'s own"
              for m in result.copies]
    lines += [line(*head, "reasons"), line(*("-" * n for n in w), "-------")]
    lines += [line(*r) for r in rows]
    mean = _mean_normal(result)
    n_att = len(result.needs_attention)
    lines.append(f"{len(result.students)} students; graded normally: {len(result.students) - n_att}; "
                 f"needs attention: {n_att}; mean score (graded normally): "
                 + (f"{mean:.1f}%" if mean is not None else "n/a"))
    return "\n".join(lines)
