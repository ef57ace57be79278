"""Tests for course_utils.linalg against independent numpy/scipy computations.

Factors U and V are never compared directly (their signs are not unique);
reconstructions, projectors, norms and singular values are.
"""

from collections import namedtuple

import numpy as np
import pytest
import scipy.linalg as sla
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from course_utils import linalg as la
from course_utils import svd_tools

EPS = np.finfo(float).eps
Case = namedtuple("Case", ["name", "A", "rank"])


def _make_cases():
    rng = np.random.default_rng(1234)
    return [
        Case("tall 8x5", rng.standard_normal((8, 5)), 5),
        Case("wide 5x8", rng.standard_normal((5, 8)), 5),
        Case("square 6x6", rng.standard_normal((6, 6)), 6),
        Case("rank-2 tall 8x5", rng.standard_normal((8, 2)) @ rng.standard_normal((2, 5)), 2),
        Case("rank-2 wide 5x8", rng.standard_normal((5, 2)) @ rng.standard_normal((2, 8)), 2),
        Case("zero 4x3", np.zeros((4, 3)), 0),
        Case("row 1x7", rng.standard_normal((1, 7)), 1),
        Case("column 7x1", rng.standard_normal((7, 1)), 1),
    ]


CASES = _make_cases()


@pytest.fixture(params=CASES, ids=[c.name for c in CASES])
def case(request):
    c = request.param
    return Case(c.name, c.A.copy(), c.rank)


def _scale(A):
    """Absolute size used for tolerances (1 for the zero matrix)."""
    return max(np.linalg.norm(A, 2), 1.0)


# --------------------------------------------------------------------------- svd


def test_svd_factorises_with_orthonormal_factors(case):
    A = case.A
    m, n = A.shape
    U, s, Vt = la.svd(A)
    r = min(m, n)
    assert U.shape == (m, r) and s.shape == (r,) and Vt.shape == (r, n)
    np.testing.assert_allclose((U * s) @ Vt, A, atol=1e-13 * _scale(A))
    np.testing.assert_allclose(U.T @ U, np.eye(r), atol=1e-13)
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(r), atol=1e-13)
    np.testing.assert_allclose(s, sla.svdvals(A), atol=1e-13 * _scale(A))
    assert np.all(np.diff(s) <= 0) and np.all(s >= 0)


def test_singular_values_are_square_roots_of_gram_eigenvalues(case):
    A = case.A
    m, n = A.shape
    s = la.svd(A).s
    tol = 1e-12 * _scale(A) ** 2
    # eigenvalues of A^T A (n of them) and A A^T (m of them) are s**2 padded with zeros
    np.testing.assert_allclose(np.linalg.eigvalsh(A.T @ A)[::-1], np.pad(s**2, (0, n - s.size)), atol=tol)
    np.testing.assert_allclose(np.linalg.eigvalsh(A @ A.T)[::-1], np.pad(s**2, (0, m - s.size)), atol=tol)


# --------------------------------------------------------------------------- reconstruct


def _rank_k_via_gram(A, k):
    """Independent best rank-k approximation: project A onto the top-k eigenvectors of A^T A."""
    w, V = np.linalg.eigh(A.T @ A)
    Vk = V[:, np.argsort(w)[::-1][:k]]
    return A @ Vk @ Vk.T


def test_reconstruct_every_k(case):
    A = case.A
    s = sla.svdvals(A)
    for k in range(min(A.shape) + 1):
        Ak = la.reconstruct(A, k)
        assert Ak.shape == A.shape
        np.testing.assert_allclose(Ak, _rank_k_via_gram(A, k), atol=1e-9 * _scale(A))
        assert np.linalg.matrix_rank(Ak) <= k
        expected_2 = s[k] if k < s.size else 0.0
        assert np.linalg.norm(A - Ak, 2) == pytest.approx(expected_2, abs=1e-12 * _scale(A))
        assert np.linalg.norm(A - Ak) == pytest.approx(np.sqrt(np.sum(s[k:] ** 2)), abs=1e-12 * _scale(A))
    np.testing.assert_array_equal(la.reconstruct(A, 0), np.zeros_like(A))
    np.testing.assert_allclose(la.reconstruct(A, case.rank), A, atol=1e-12 * _scale(A))
    np.testing.assert_allclose(la.reconstruct(A, min(A.shape)), A, atol=1e-12 * _scale(A))


def test_reconstruct_reuses_factors(case):
    A = case.A
    factors = la.svd(A)
    for k in range(min(A.shape) + 1):
        np.testing.assert_array_equal(la.reconstruct(A, k, factors=factors), la.reconstruct(A, k))


def test_reconstruct_with_truncated_factors():
    A = CASES[0].A
    factors = la.truncated_svd(A, 2, method="lanczos")
    np.testing.assert_allclose(la.reconstruct(A, 2, factors=factors), la.reconstruct(A, 2), atol=1e-10)
    np.testing.assert_allclose(la.reconstruct(A, 1, factors=factors), la.reconstruct(A, 1), atol=1e-10)
    with pytest.raises(ValueError, match=r"k=3 but factors hold only 2 singular triplets"):
        la.reconstruct(A, 3, factors=factors)


def test_reconstruct_many_matches_reconstruct(case):
    A = case.A
    r = min(A.shape)
    ks = [r, 0, 1, r, 1] if r > 1 else [1, 0, 1]
    out = la.reconstruct_many(A, ks)
    assert list(out) == sorted(set(ks))
    for k, Ak in out.items():
        np.testing.assert_allclose(Ak, la.reconstruct(A, k), atol=1e-12 * _scale(A))
    np.testing.assert_array_equal(out[0], np.zeros_like(A))
    # the values are independent arrays
    arrays_ = list(out.values())
    assert not any(np.shares_memory(a, b) for i, a in enumerate(arrays_) for b in arrays_[i + 1 :])


def test_reconstruct_many_every_k_and_independence():
    A = CASES[2].A
    ks = list(range(7))[::-1]
    out = la.reconstruct_many(A, ks, factors=la.svd(A))
    for k in ks:
        np.testing.assert_allclose(out[k], la.reconstruct(A, k), atol=1e-12)
    before = out[3].copy()
    out[6][:] = 99.0
    out[2][:] = -99.0
    np.testing.assert_array_equal(out[3], before)


# --------------------------------------------------------------------------- rank, tolerance


def test_default_tolerance_is_numpys(case):
    A = case.A
    s = sla.svdvals(A)
    assert la.default_tolerance(s, A.shape) == pytest.approx(max(A.shape) * EPS * s.max(), rel=1e-15, abs=0)
    if case.rank == 0:
        assert la.default_tolerance(s, A.shape) == 0.0


def test_numerical_rank_matches_matrix_rank(case):
    A = case.A
    assert la.numerical_rank(A) == np.linalg.matrix_rank(A) == case.rank
    s = sla.svdvals(A)
    for tol in [0.0, 1e-3, float(np.median(s)), float(s[0]) * 0.999, float(s[0]) + 1.0]:
        assert la.numerical_rank(A, tol=tol) == np.linalg.matrix_rank(A, tol=tol)


def test_rank_deficient_product_has_rank_two():
    rng = np.random.default_rng(1234)
    A = rng.standard_normal((30, 2)) @ rng.standard_normal((2, 20))
    s = sla.svdvals(A)
    assert np.all(s[2:] < 1e-14 * s[0])  # the "zero" singular values are round-off, not 0
    assert la.numerical_rank(A) == 2
    assert la.numerical_rank(np.zeros((3, 5))) == 0


def test_one_epsilon_rule_float32_integer_float64():
    """eps is np.finfo(dtype).eps for float input and float64's for integer input, as np.linalg.matrix_rank."""
    from course_utils._validation import precision_eps

    assert precision_eps(np.ones((2, 2), dtype=np.float32)) == np.finfo(np.float32).eps
    assert precision_eps(np.ones((2, 2))) == precision_eps(np.arange(4).reshape(2, 2)) == np.finfo(np.float64).eps
    assert precision_eps([[True, False]]) == precision_eps(np.int32) == np.finfo(np.float64).eps
    with pytest.raises(TypeError, match="A must be real"):
        precision_eps(np.ones(2, dtype=complex), "A")
    rng = np.random.default_rng(7)
    A32 = (rng.standard_normal((30, 7)) @ rng.standard_normal((7, 20))).astype(np.float32)
    s = sla.svdvals(A32.astype(np.float64))
    # float32 round-off leaves 13 singular values near 1e-8 s[0]: between float64's and float32's tolerance
    assert 30 * EPS * s[0] < s[7] < 0.1 * 30 * np.finfo(np.float32).eps * s[0]
    assert la.numerical_rank(A32) == np.linalg.matrix_rank(A32) == 7
    assert la.numerical_rank(A32.astype(np.float64)) == np.linalg.matrix_rank(A32.astype(np.float64)) == 20
    np.testing.assert_allclose(la.pinv(A32), sla.pinv(A32.astype(np.float64), atol=0,
                                                      rtol=30 * np.finfo(np.float32).eps), rtol=1e-9, atol=0)
    assert la.default_tolerance([2.0, 1.0], (3, 2), eps=np.finfo(np.float32).eps) == pytest.approx(
        3 * np.finfo(np.float32).eps * 2.0, rel=1e-15)
    ints = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    assert la.numerical_rank(ints) == np.linalg.matrix_rank(ints) == 2
    np.testing.assert_allclose(la.pinv(ints), sla.pinv(ints), atol=1e-12)
    np.testing.assert_allclose(la.min_norm_lstsq(A32, np.ones(30)),
                               la.pinv(A32) @ np.ones(30), rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------- pinv


def _check_penrose(A, P, atol):
    np.testing.assert_allclose(A @ P @ A, A, atol=atol)
    np.testing.assert_allclose(P @ A @ P, P, atol=atol * max(np.linalg.norm(P, 2), 1.0) ** 2)
    np.testing.assert_allclose((A @ P).T, A @ P, atol=atol)
    np.testing.assert_allclose((P @ A).T, P @ A, atol=atol)


def test_pinv_matches_scipy_and_penrose(case):
    A = case.A
    P = la.pinv(A)
    assert P.shape == A.shape[::-1]
    np.testing.assert_allclose(P, sla.pinv(A), atol=1e-10 * max(np.linalg.norm(P, 2), 1.0))
    _check_penrose(A, P, atol=1e-12 * _scale(A))
    if case.rank == 0:
        np.testing.assert_array_equal(P, np.zeros(A.shape[::-1]))


def test_pinv_explicit_tolerance():
    A = np.diag([10.0, 1.0, 1e-3])
    np.testing.assert_allclose(la.pinv(A, tol=1e-2), np.diag([0.1, 1.0, 0.0]))
    np.testing.assert_allclose(la.pinv(A, tol=1e-2), sla.pinv(A, atol=1e-2, rtol=0.0))
    np.testing.assert_allclose(la.pinv(A, tol=0), np.diag([0.1, 1.0, 1e3]))


# --------------------------------------------------------------------------- least squares


@pytest.mark.parametrize("p", [None, 1, 3])
def test_min_norm_lstsq_matches_numpy_and_scipy(case, p):
    A = case.A
    m, n = A.shape
    rng = np.random.default_rng(1234)
    b = rng.standard_normal(m if p is None else (m, p))
    x = la.min_norm_lstsq(A, b)
    assert x.shape == ((n,) if p is None else (n, p))
    scale = max(np.linalg.norm(x), 1.0)
    np.testing.assert_allclose(x, np.linalg.lstsq(A, b, rcond=None)[0], atol=1e-10 * scale)
    # scipy's default cutoff is eps * s[0]; give it numpy's max(m, n) * eps * s[0]
    np.testing.assert_allclose(x, sla.lstsq(A, b, cond=max(m, n) * EPS)[0], atol=1e-10 * scale)
    # optimality: the residual is orthogonal to the columns of A (normal equations)
    np.testing.assert_allclose(A.T @ (A @ x - b), 0.0, atol=1e-10 * _scale(A) * (np.linalg.norm(b) + 1))


def test_min_norm_lstsq_has_smallest_norm(case):
    A = case.A
    N = sla.null_space(A)  # independent basis of the null space
    if N.shape[1] == 0:
        pytest.skip("full column rank: the minimiser is unique")
    rng = np.random.default_rng(1234)
    b = rng.standard_normal(A.shape[0])
    x = la.min_norm_lstsq(A, b)
    np.testing.assert_allclose(N.T @ x, 0.0, atol=1e-10 * max(np.linalg.norm(x), 1.0))  # x is in the row space
    for _ in range(3):
        z = N @ rng.standard_normal(N.shape[1])
        other = x + z
        assert np.linalg.norm(A @ other - b) == pytest.approx(np.linalg.norm(A @ x - b), rel=1e-9, abs=1e-9)
        assert np.linalg.norm(other) > np.linalg.norm(x)


def test_min_norm_lstsq_explicit_tolerance():
    A = np.diag([10.0, 1.0, 1e-3])
    b = np.ones(3)
    np.testing.assert_allclose(la.min_norm_lstsq(A, b, tol=1e-2), [0.1, 1.0, 0.0])
    np.testing.assert_allclose(la.min_norm_lstsq(A, b, tol=1e-2), np.linalg.lstsq(A, b, rcond=1e-3)[0])


def test_min_norm_lstsq_rejects_wrong_length():
    A = np.ones((4, 3))
    with pytest.raises(ValueError, match=r"b has 3 entries but must have 4"):
        la.min_norm_lstsq(A, np.ones(3))
    with pytest.raises(ValueError, match=r"b has shape \(1, 4\) but A has 4 rows.*b.ravel\(\)"):
        la.min_norm_lstsq(A, np.ones((1, 4)))


# --------------------------------------------------------------------------- condition number


def test_condition_number_matches_numpy(case):
    A = case.A
    c = la.condition_number(A)
    if case.rank == 0:
        assert c == np.inf
    else:
        assert c == pytest.approx(np.linalg.cond(A), rel=1e-12)
        assert c >= 1.0


def test_condition_number_exact_singular_is_inf():
    assert la.condition_number([[1.0, 0.0], [0.0, 0.0]]) == np.inf
    assert la.condition_number([[4.0, 0.0], [0.0, 0.5]]) == 8.0


@pytest.mark.parametrize("idx", [0, 1, 2])  # tall, wide, square: all full rank
def test_condition_number_of_gram_matrix_is_squared(idx):
    A = CASES[idx].A
    G = A.T @ A if A.shape[0] >= A.shape[1] else A @ A.T  # the invertible Gram matrix
    assert la.condition_number(G) == pytest.approx(la.condition_number(A) ** 2, rel=1e-10)


# --------------------------------------------------------------------------- Eckart-Young


def test_eckart_young_errors_match_norms(case):
    A = case.A
    s = sla.svdvals(A)
    for k in range(s.size + 1):
        Ak = la.reconstruct(A, k)
        spectral, frobenius = la.eckart_young_errors(s, k)
        assert spectral == pytest.approx(np.linalg.norm(A - Ak, 2), abs=1e-12 * _scale(A))
        assert frobenius == pytest.approx(np.linalg.norm(A - Ak, "fro"), abs=1e-12 * _scale(A))
    assert tuple(la.eckart_young_errors(s, s.size)) == (0.0, 0.0)


@pytest.mark.parametrize("shape", [(3, 3), (10, 4), (4, 10), (17, 9), (2, 30), (25, 25)])
def test_eckart_young_many_shapes(shape):
    rng = np.random.default_rng(1234)
    A = rng.standard_normal(shape)
    s = np.linalg.svd(A, compute_uv=False)
    for k in range(min(shape) + 1):
        Ak = la.reconstruct(A, k)
        errors = la.eckart_young_errors(s, k)
        np.testing.assert_allclose(errors, [np.linalg.norm(A - Ak, 2), np.linalg.norm(A - Ak)], atol=1e-11)


def test_eckart_young_hand_example():
    assert la.eckart_young_errors([5.0, 4.0, 3.0], 1) == (4.0, 5.0)
    assert la.eckart_young_errors([5.0, 4.0, 3.0], 0) == (5.0, pytest.approx(np.sqrt(50.0)))


# --------------------------------------------------------------------------- energy and rank choice


def test_energy_and_sigma_fraction_hand_values():
    np.testing.assert_allclose(la.energy_fraction([4.0, 3.0]), [16 / 25, 1.0])
    np.testing.assert_allclose(la.sigma_fraction([4.0, 3.0]), [4 / 7, 1.0])


def test_fractions_against_loops(case):
    if case.rank == 0:
        pytest.skip("no energy in a zero matrix (tested separately)")
    s = sla.svdvals(case.A)
    energy = [sum(v**2 for v in s[: i + 1]) / sum(v**2 for v in s) for i in range(s.size)]
    sigma = [sum(s[: i + 1]) / sum(s) for i in range(s.size)]
    np.testing.assert_allclose(la.energy_fraction(s), energy, rtol=1e-13)
    np.testing.assert_allclose(la.sigma_fraction(s), sigma, rtol=1e-13)
    # the sigma variant never leads the energy (small values weigh more in it)
    assert np.all(la.sigma_fraction(s) <= la.energy_fraction(s) + 1e-15)
    # 1 - energy fraction is the squared relative Frobenius error of the rank-k approximation
    A = case.A
    for k in range(1, s.size + 1):
        rel = np.linalg.norm(A - la.reconstruct(A, k)) / np.linalg.norm(A)
        assert 1 - la.energy_fraction(s)[k - 1] == pytest.approx(rel**2, abs=1e-12)


def _smallest_k(cum, fraction):
    for k, value in enumerate(cum, start=1):
        if value >= fraction:
            return k
    raise AssertionError("never reached")


@pytest.mark.parametrize("measure", ["energy", "sigma"])
def test_rank_for_energy_brute_force(measure):
    rng = np.random.default_rng(1234)
    s = np.sort(rng.exponential(size=40))[::-1]
    values = (s**2 if measure == "energy" else s).tolist()
    total = sum(values)
    cum = [sum(values[:i]) / total for i in range(1, len(values) + 1)]
    for fraction in [0.01, 0.3, 0.5, 0.77, 0.9, 0.95, 0.99, 0.999]:
        assert la.rank_for_energy(s, fraction, measure=measure) == _smallest_k(cum, fraction)


def test_rank_for_energy_hand_values():
    assert la.rank_for_energy([4.0, 3.0, 1.0], 0.9) == 2  # 25/26 = 0.96
    assert la.rank_for_energy([4.0, 3.0, 1.0], 0.9, measure="sigma") == 3  # 7/8 = 0.875
    assert la.rank_for_energy([4.0, 3.0, 1.0], 0.64) == 2  # 16/26 = 0.615 is not enough
    assert la.rank_for_energy([4.0, 3.0], 0.64) == 1  # exactly 16/25


@pytest.mark.parametrize("measure", ["energy", "sigma"])
def test_rank_for_energy_fraction_one_survives_round_off(measure):
    s = np.linspace(1.0, 0.1, 8)
    cum = la.energy_fraction(s) if measure == "energy" else la.sigma_fraction(s)
    assert cum[-1] < 1.0  # the round-off this test is about
    assert la.rank_for_energy(s, 1.0, measure=measure) == 8
    # round-off-level trailing values (numerically rank deficient) are not needed for 100 %
    padded = np.concatenate([s, np.full(4, 1e-17)])
    cum = la.energy_fraction(padded) if measure == "energy" else la.sigma_fraction(padded)
    assert cum[7] < 1.0
    assert la.rank_for_energy(padded, 1.0, measure=measure) == 8


@pytest.mark.parametrize("measure", ["energy", "sigma"])
def test_rank_for_energy_full_on_rank_deficient(measure):
    s = sla.svdvals(CASES[3].A)  # rank 2, trailing values ~1e-16
    assert la.rank_for_energy(s, 1.0, measure=measure) == 2


# --------------------------------------------------------------------------- Gavish-Donoho


def _mp_median_by_grid(beta, num=400_001):
    """Median of Marchenko-Pastur by a plain trapezoid CDF on a fine grid (no quad, no brentq)."""
    a, b = (1 - np.sqrt(beta)) ** 2, (1 + np.sqrt(beta)) ** 2
    # t = a + (b - a) sin^2(theta) removes the square-root endpoint behaviour; the
    # midpoint rule never evaluates the endpoints (t = 0 when beta = 1)
    edges = np.linspace(0.0, np.pi / 2, num)
    theta = (edges[1:] + edges[:-1]) / 2
    t = a + (b - a) * np.sin(theta) ** 2
    dt = (b - a) * 2 * np.sin(theta) * np.cos(theta)
    f = np.sqrt((b - t) * (t - a)) / (2 * np.pi * beta * t) * dt
    cdf = np.concatenate([[0.0], np.cumsum(f * np.diff(edges))])
    assert cdf[-1] == pytest.approx(1.0, abs=1e-8)
    return float(np.interp(0.5, cdf, a + (b - a) * np.sin(edges) ** 2))


def test_lambda_star_at_square():
    assert la.optimal_hard_threshold_coef(1.0, sigma_known=True) == pytest.approx(4 / np.sqrt(3), rel=1e-14)


def test_omega_at_square():
    assert la.optimal_hard_threshold_coef(1.0, sigma_known=False) == pytest.approx(2.858, abs=5e-4)


@pytest.mark.parametrize("beta", [0.05, 0.25, 2 / 3, 1.0])
def test_marchenko_pastur_median_independent(beta):
    omega = la.optimal_hard_threshold_coef(beta, sigma_known=False)
    lam = la.optimal_hard_threshold_coef(beta, sigma_known=True)
    assert (lam / omega) ** 2 == pytest.approx(_mp_median_by_grid(beta), rel=1e-5)


def test_omega_matches_paper_polynomial():
    for beta in np.linspace(0.05, 1.0, 20):
        poly = 0.56 * beta**3 - 0.95 * beta**2 + 1.82 * beta + 1.43
        assert la.optimal_hard_threshold_coef(beta, sigma_known=False) == pytest.approx(poly, rel=4e-3)


def test_threshold_known_sigma_square_and_aspect():
    s = np.ones(100)
    assert la.optimal_hard_threshold(s, (100, 100), sigma=0.5) == pytest.approx(4 / np.sqrt(3) * 10 * 0.5)
    lam = la.optimal_hard_threshold_coef(0.5, sigma_known=True)
    tall = la.optimal_hard_threshold(np.ones(50), (100, 50), sigma=2.0)
    wide = la.optimal_hard_threshold(np.ones(50), (50, 100), sigma=2.0)
    assert tall == wide == pytest.approx(lam * np.sqrt(100) * 2.0)


def test_threshold_unknown_sigma_uses_median():
    rng = np.random.default_rng(1234)
    s = np.sort(rng.exponential(size=30))[::-1]
    omega = la.optimal_hard_threshold_coef(30 / 45, sigma_known=False)
    assert la.optimal_hard_threshold(s, (45, 30)) == pytest.approx(omega * np.median(s))


@pytest.mark.parametrize("shape", [(200, 300), (300, 200)])
def test_optimal_hard_threshold_recovers_rank(shape):
    rng = np.random.default_rng(1234)
    m, n = shape
    sigma = 1.0
    X = rng.standard_normal((m, 5))
    Y = rng.standard_normal((5, n))
    Uq, _ = np.linalg.qr(X)
    Vq, _ = np.linalg.qr(Y.T)
    signal = (Uq * np.array([400.0, 300.0, 200.0, 150.0, 120.0])) @ Vq.T
    A = signal + sigma * rng.standard_normal(shape)
    s = np.linalg.svd(A, compute_uv=False)
    tau = la.optimal_hard_threshold(s, shape, sigma=sigma)
    assert s[4] > 2 * tau and s[5] < tau  # the setting is clear-cut
    assert la.optimal_hard_threshold_rank(s, shape, sigma=sigma) == 5
    assert la.optimal_hard_threshold_rank(s, shape) == 5


# --------------------------------------------------------------------------- truncated SVD


@pytest.fixture(scope="module")
def decaying():
    rng = np.random.default_rng(1234)
    m, n = 300, 400
    Q1, _ = np.linalg.qr(rng.standard_normal((m, m)))
    Q2, _ = np.linalg.qr(rng.standard_normal((n, m)))
    A = (Q1 * (100 * np.exp(-np.arange(m) / 15))) @ Q2.T + 0.01 * rng.standard_normal((m, n))
    return A, np.linalg.svd(A, compute_uv=False)


@pytest.mark.parametrize("method", ["randomized", "lanczos"])
@pytest.mark.parametrize("k", [5, 30])
def test_truncated_svd_near_optimal(decaying, method, k):
    A, exact = decaying
    U, s, Vt = la.truncated_svd(A, k, method=method)
    assert U.shape == (300, k) and s.shape == (k,) and Vt.shape == (k, 400)
    assert U.dtype == s.dtype == Vt.dtype == np.float64
    assert np.all(np.diff(s) <= 0)
    np.testing.assert_allclose(s, exact[:k], rtol=1e-3)
    report = la.truncation_error_report(A, (U, s, Vt), exact_s=exact)
    direct = np.linalg.norm(A - (U * s) @ Vt)
    assert report["k"] == k
    assert report["frobenius_error"] == pytest.approx(direct, rel=1e-10)
    assert report["optimal_error"] == pytest.approx(np.sqrt(np.sum(exact[k:] ** 2)), rel=1e-12)
    assert 1.0 - 1e-9 <= report["ratio"] <= 1.01


def test_truncated_svd_float32_input_computes_in_float64(decaying):
    A, exact = decaying
    factors = la.truncated_svd(A.astype(np.float32), 10)
    assert factors.s.dtype == np.float64


def test_truncation_report_partial_exact_s_and_chunks(decaying, monkeypatch):
    A, exact = decaying
    factors = la.truncated_svd(A, 10)
    full = la.truncation_error_report(A, factors, exact_s=exact)
    partial = la.truncation_error_report(A, factors, exact_s=exact[:10])
    assert partial["optimal_error"] == pytest.approx(full["optimal_error"], rel=1e-9)
    monkeypatch.setattr(svd_tools, "_CHUNK_ELEMENTS", 7 * 400 + 5)  # 7 rows per block, last block short
    chunked = la.truncation_error_report(A, factors)
    assert chunked["frobenius_error"] == pytest.approx(full["frobenius_error"], rel=1e-12)
    assert chunked["optimal_error"] is None and chunked["ratio"] is None


def test_truncation_report_exact_rank_gives_nan_ratio():
    A = np.outer([1.0, 2.0, 3.0], [1.0, -1.0])
    exact_s = [np.linalg.norm(A), 0.0]  # rank 1: the optimum is exactly 0
    report = la.truncation_error_report(A, la.truncated_svd(A, 1, method="lanczos"), exact_s=exact_s)
    assert report["optimal_error"] == 0.0 and np.isnan(report["ratio"])
    assert report["frobenius_error"] < 1e-12


def test_truncated_svd_edge_ranks():
    A = CASES[1].A  # 5 x 8
    zero = la.truncated_svd(A, 0)
    assert zero.U.shape == (5, 0) and zero.s.shape == (0,) and zero.Vt.shape == (0, 8)
    assert la.truncation_error_report(A, zero)["frobenius_error"] == pytest.approx(np.linalg.norm(A))
    full = la.truncated_svd(A, 5)  # randomized handles k = min(m, n)
    np.testing.assert_allclose((full.U * full.s) @ full.Vt, A, atol=1e-10)
    with pytest.raises(ValueError, match=r"method='lanczos' needs k < min\(m, n\) = 5; got k=5"):
        la.truncated_svd(A, 5, method="lanczos")


@pytest.mark.parametrize("method", ["randomized", "lanczos"])
def test_truncated_svd_zero_matrix(method):
    U, s, Vt = la.truncated_svd(np.zeros((6, 4)), 2, method=method)
    np.testing.assert_array_equal(s, [0.0, 0.0])
    np.testing.assert_allclose(U.T @ U, np.eye(2))
    np.testing.assert_allclose(Vt @ Vt.T, np.eye(2))


# --------------------------------------------------------------------------- bad input


GOOD = CASES[0].A
S_GOOD = sla.svdvals(GOOD)

BAD_CALLS = [
    (la.svd, (np.ones(3),), ValueError, r"A must be a 2-D array.*reshape"),
    (la.svd, (np.ones((0, 3)),), ValueError, r"A is empty"),
    (la.svd, ([[1.0, np.nan]],), ValueError, r"A contains 1 NaN or infinite"),
    (la.svd, ([[1.0, np.inf]],), ValueError, r"NaN or infinite"),
    (la.svd, ("abc",), TypeError, r"A must be a numeric array"),
    (la.reconstruct, (GOOD, -1), ValueError, r"k must be an integer with 0 <= k <= min\(m, n\) = 5; got k=-1"),
    (la.reconstruct, (GOOD, 6), ValueError, r"got k=6\. Choose a rank"),
    (la.reconstruct, (GOOD, 2.5), TypeError, r"k must be an integer; got 2.5"),
    (la.reconstruct_many, (GOOD, 3), TypeError, r"ks must be a sequence of ranks.*reconstruct\(A, k\)"),
    (la.reconstruct_many, (GOOD, []), ValueError, r"ks is empty"),
    (la.reconstruct_many, (GOOD, [1, 9]), ValueError, r"ks\[1\] must be an integer .*got ks\[1\]=9"),
    (la.default_tolerance, (S_GOOD, (8,)), TypeError, r"shape must be a pair \(rows, columns\)"),
    (la.default_tolerance, (S_GOOD, (3, 3)), ValueError, r"s has 5 values but a 3 x 3 matrix"),
    (la.default_tolerance, (S_GOOD[::-1], (8, 5)), ValueError, r"s must be sorted in descending order"),
    (la.default_tolerance, (-S_GOOD[::-1], (8, 5)), ValueError, r"s holds negative values"),
    (la.numerical_rank, (GOOD, -1e-3), ValueError, r"tol must be finite and >= 0; got -0.001"),
    (la.numerical_rank, (GOOD, np.nan), ValueError, r"tol must be finite"),
    (la.pinv, (GOOD, -1.0), ValueError, r"tol must be finite and >= 0"),
    (la.pinv, (np.ones((2, 2, 2)),), ValueError, r"A must be a 2-D array.*to_gray"),
    (la.min_norm_lstsq, (GOOD, np.ones(8), -1.0), ValueError, r"tol must be finite"),
    (la.min_norm_lstsq, (GOOD, [1.0, np.nan] * 4), ValueError, r"b contains 4 NaN or infinite"),
    (la.condition_number, ([[1 + 2j]],), TypeError, r"A must be real"),
    (la.eckart_young_errors, (S_GOOD, 6), ValueError, r"k must be an integer with 0 <= k"),
    (la.energy_fraction, (np.zeros(3),), ValueError, r"s is all zeros: a zero matrix has no energy"),
    (la.sigma_fraction, ([],), ValueError, r"s is empty"),
    (la.rank_for_energy, (S_GOOD, 0.0), ValueError, r"fraction must be finite and > 0; got 0.0"),
    (la.rank_for_energy, (S_GOOD, 1.5), ValueError, r"fraction must be a fraction in \(0, 1\]; got 1.5"),
    (la.rank_for_energy, (np.zeros(4), 0.9), ValueError, r"no energy"),
    (la.optimal_hard_threshold, (S_GOOD, (8, 5), -1.0), ValueError, r"sigma must be finite and > 0"),
    (la.optimal_hard_threshold, (S_GOOD[:3], (8, 5)), ValueError, r"s has 3 values but the unknown-noise"),
    (la.optimal_hard_threshold_rank, (S_GOOD, (8, 5), "1"), TypeError, r"sigma must be a real number"),
    (la.truncated_svd, (GOOD, 9), ValueError, r"k must be an integer with 0 <= k <= min\(m, n\) = 5; got k=9"),
    (la.truncation_error_report, (GOOD, (1, 2)), TypeError, r"factors must be a triple \(U, s, Vt\)"),
    (la.truncation_error_report, (GOOD, la.svd(GOOD.T)), ValueError, r"factors do not fit A of shape \(8, 5\)"),
]


@pytest.mark.parametrize(
    "func, args, exc, match", BAD_CALLS, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(BAD_CALLS)]
)
def test_bad_input_messages(func, args, exc, match):
    with pytest.raises(exc, match=match):
        func(*args)


def test_bad_keyword_arguments():
    with pytest.raises(ValueError, match=r"measure must be one of 'energy', 'sigma'; got 'power'"):
        la.rank_for_energy(S_GOOD, 0.9, measure="power")
    with pytest.raises(ValueError, match=r"beta must be finite and > 0; got 0.0"):
        la.optimal_hard_threshold_coef(0.0, sigma_known=True)
    with pytest.raises(ValueError, match=r"beta must be a fraction in \(0, 1\]; got 1.5"):
        la.optimal_hard_threshold_coef(1.5, sigma_known=False)
    with pytest.raises(TypeError, match=r"sigma_known must be True or False; got 'yes'"):
        la.optimal_hard_threshold_coef(0.5, sigma_known="yes")
    with pytest.raises(ValueError, match=r"method must be one of 'randomized', 'lanczos'; got 'qr'"):
        la.truncated_svd(GOOD, 2, method="qr")
    with pytest.raises(ValueError, match=r"n_iter must be a non-negative integer; got -1"):
        la.truncated_svd(GOOD, 2, n_iter=-1)
    with pytest.raises(TypeError, match=r"random_state must be an int seed or None"):
        la.truncated_svd(GOOD, 2, random_state=1.5)
    with pytest.raises(ValueError, match=r"exact_s has 1 values but the factors have k=2"):
        la.truncation_error_report(GOOD, la.truncated_svd(GOOD, 2), exact_s=S_GOOD[:1])
    with pytest.raises(ValueError, match=r"k=3 but factors hold only 2"):
        la.reconstruct_many(GOOD, [1, 3], factors=la.truncated_svd(GOOD, 2))


# --------------------------------------------------------------------------- property-based


def _matrices(max_side=5):
    # bounded floats; tiny magnitudes are dropped because their squares underflow in norms
    entries = st.floats(-10, 10, allow_nan=False, allow_infinity=False).filter(lambda x: x == 0 or abs(x) > 1e-3)
    shapes = st.tuples(st.integers(1, max_side), st.integers(1, max_side))
    return shapes.flatmap(lambda shape: arrays(np.float64, shape, elements=entries))


def _kept_part_well_conditioned(s, tol):
    """The inverted singular values span at most 6 decades.

    A value just above the tolerance gets inverted, and then both algorithms
    return round-off times ~1/eps: such matrices are skipped, not compared.
    """
    kept = s[s > tol]
    return kept.size == 0 or kept[-1] >= 1e-6 * kept[0]


@settings(deadline=None, max_examples=60)
@given(_matrices())
def test_property_pinv_penrose(A):
    s = np.linalg.svd(A, compute_uv=False)
    assume(_kept_part_well_conditioned(s, max(A.shape) * EPS * s[0]))
    P = la.pinv(A)
    _check_penrose(A, P, atol=1e-8 * _scale(A))
    np.testing.assert_allclose(P, sla.pinv(A), atol=1e-8 * max(np.linalg.norm(P, 2), 1.0))


@settings(deadline=None, max_examples=60)
@given(_matrices(), st.data())
def test_property_reconstruct_error_is_eckart_young(A, data):
    k = data.draw(st.integers(0, min(A.shape)), label="k")
    s = np.linalg.svd(A, compute_uv=False)
    Ak = la.reconstruct(A, k)
    spectral, frobenius = la.eckart_young_errors(s, k)
    atol = 1e-12 * _scale(A) * max(A.shape)
    assert np.linalg.norm(A - Ak, 2) == pytest.approx(spectral, abs=atol)
    assert np.linalg.norm(A - Ak) == pytest.approx(frobenius, abs=atol)


@settings(deadline=None, max_examples=60)
@given(_matrices(), st.data())
def test_property_min_norm_lstsq_matches_numpy(A, data):
    s = np.linalg.svd(A, compute_uv=False)
    assume(_kept_part_well_conditioned(s, max(A.shape) * EPS * s[0]))
    b = data.draw(arrays(np.float64, A.shape[0], elements=st.floats(-10, 10)), label="b")
    x = la.min_norm_lstsq(A, b)
    expected = np.linalg.lstsq(A, b, rcond=None)[0]
    np.testing.assert_allclose(x, expected, atol=1e-7 * max(np.linalg.norm(expected), 1.0))


@settings(deadline=None, max_examples=40)
@given(_matrices(), st.data())
def test_property_reconstruct_many_equals_reconstruct(A, data):
    ks = data.draw(st.lists(st.integers(0, min(A.shape)), min_size=1, max_size=6), label="ks")
    out = la.reconstruct_many(A, ks)
    assert set(out) == set(ks)
    for k in ks:
        np.testing.assert_allclose(out[k], la.reconstruct(A, k), atol=1e-12 * _scale(A) * max(A.shape))
