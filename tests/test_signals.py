"""Tests of course_utils.signals: the synthetic EEG-like recording and its ground truth."""

import numpy as np
import pytest

from course_utils.signals import SOURCE_NAMES, Recording, eeg_recording, electrode_positions


@pytest.fixture(scope="module")
def rec():
    return eeg_recording(seed=0)


def test_shapes_and_the_model(rec):
    """data = mixing @ sources + noise, with the documented shapes, units and time axis."""
    assert isinstance(rec, Recording) and rec.names == SOURCE_NAMES
    assert rec.data.shape == (16, 5000) and rec.sources.shape == (4, 5000) and rec.mixing.shape == (16, 4)
    assert rec.positions.shape == (16, 2) and rec.noise.shape == rec.data.shape
    np.testing.assert_allclose(rec.data, rec.mixing @ rec.sources + rec.noise)
    np.testing.assert_allclose(rec.time, np.arange(5000) / 250.0)
    assert rec.fs == 250.0
    np.testing.assert_allclose(rec.mixing.max(axis=0), 1.0)  # largest weight 1
    assert np.all(rec.mixing >= 0)
    assert abs(rec.noise.std() - 2.0) < 0.05 and abs(rec.noise.mean()) < 0.05


def test_sources_are_what_the_docstring_says(rec):
    """Alpha at 10 Hz, slow wave at 1.5 Hz, beta at 20 Hz (peaks of the spectrum); blinks of 80-120 uV."""
    freqs = np.fft.rfftfreq(rec.time.size, 1 / rec.fs)
    for name, f in [("alpha", 10.0), ("slow wave", 1.5), ("beta", 20.0)]:
        spectrum = np.abs(np.fft.rfft(rec.sources[SOURCE_NAMES.index(name)]))
        assert abs(freqs[np.argmax(spectrum)] - f) < 0.1, name
    blink = rec.sources[3]
    peaks = (blink[1:-1] > blink[:-2]) & (blink[1:-1] > blink[2:]) & (blink[1:-1] > 40)
    assert 4 <= peaks.sum() <= 8  # one every 2.5-5 s in 20 s
    assert 80 <= blink.max() <= 120 * 1.01 and blink.min() >= 0
    amplitudes = np.abs(rec.sources[:3]).max(axis=1)
    assert 10 < amplitudes[0] < 15.5 and 7.9 < amplitudes[1] <= 8 and 3.9 < amplitudes[2] <= 4


def test_seeded(rec):
    again = eeg_recording(seed=0)
    np.testing.assert_array_equal(rec.data, again.data)
    assert not np.allclose(rec.data, eeg_recording(seed=1).data)


def test_the_blink_is_frontal_and_the_alpha_occipital(rec):
    """Each pattern is largest where its source is (front: y > 0, back: y < 0)."""
    y = rec.positions[:, 1]
    assert y[np.argmax(rec.mixing[:, 3])] > 0.5 and y[np.argmax(rec.mixing[:, 0])] < -0.5


def test_the_svd_finds_the_blink_and_four_components(rec):
    """What lecture 5 relies on: 4 singular values above the noise floor, u_1 = the blink pattern."""
    U, s, Vt = np.linalg.svd(rec.data, full_matrices=False)
    c, T = rec.data.shape
    edge = 2.0 * (np.sqrt(T) + np.sqrt(c))  # largest singular value of the noise alone
    assert np.all(s[:4] > 1.5 * edge) and np.all(s[4:] < 1.05 * edge)
    blink_pattern = rec.mixing[:, 3] / np.linalg.norm(rec.mixing[:, 3])
    assert abs(U[:, 0] @ blink_pattern) > 0.99
    assert abs(np.corrcoef(Vt[0], rec.sources[3])[0, 1]) > 0.98


def test_clean_leaves_out_sources(rec):
    np.testing.assert_allclose(rec.clean(), rec.data - rec.noise)
    brain = rec.clean(exclude=("eye blink",))
    np.testing.assert_allclose(brain, rec.mixing[:, :3] @ rec.sources[:3])
    np.testing.assert_allclose(rec.clean("eye blink"), brain)  # a single name is accepted
    with pytest.raises(ValueError, match="unknown source"):
        rec.clean(exclude=("blink",))


def test_noise_free_recording_has_rank_four():
    rec = eeg_recording(noise=0, seed=2)
    assert np.linalg.matrix_rank(rec.data) == 4 and not rec.noise.any()


@pytest.mark.parametrize("n", [4, 7, 16, 64, 256])
def test_electrode_positions_inside_the_disc_and_distinct(n):
    p = electrode_positions(n)
    assert p.shape == (n, 2) and np.all(np.hypot(*p.T) <= 1)
    d = np.hypot(*(p[:, None] - p[None]).transpose(2, 0, 1)) + np.eye(n)
    assert d.min() > 0.5 / np.sqrt(n)


def test_other_sizes():
    rec = eeg_recording(n_channels=8, duration=4, fs=100, seed=1)
    assert rec.data.shape == (8, 400) and rec.time[-1] == pytest.approx(3.99)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_channels": 3}, ValueError, "n_channels"),
        ({"n_channels": 257}, ValueError, "n_channels"),
        ({"n_channels": 16.0}, TypeError, "n_channels"),
        ({"n_channels": True}, TypeError, "n_channels"),
        ({"duration": 0}, ValueError, "duration"),
        ({"duration": float("inf")}, ValueError, "duration"),
        ({"duration": "10"}, TypeError, "duration"),
        ({"duration": 0.01}, ValueError, "10 samples"),
        ({"fs": 50}, ValueError, "100 Hz"),
        ({"fs": float("nan")}, ValueError, "fs"),
        ({"noise": -1}, ValueError, "noise"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 0.5}, TypeError, "seed"),
        ({"seed": None}, TypeError, "seed"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs, error, match):
    with pytest.raises(error, match=match):
        eeg_recording(**kwargs)
