"""A biological signal that is not an image: a synthetic multichannel EEG-like recording.

A recording with ``c`` electrodes and ``T`` samples is a ``c x T`` matrix, one row per channel.
:func:`eeg_recording` builds one from known parts, so that what the SVD finds can be compared with
the truth: a few brain rhythms (sources), each seen by every electrode with its own weight (the
*mixing matrix*, whose columns are the spatial patterns), an eye-blink artifact that is strongest
over the forehead, and white sensor noise::

    data = mixing @ sources + noise          # (c, T) = (c, 4) (4, T) + (c, T)

Nothing is downloaded; the same seed gives the same recording.

Examples
--------
>>> from course_utils.signals import eeg_recording
>>> rec = eeg_recording(seed=0)
>>> rec.data.shape, rec.sources.shape, rec.mixing.shape
((16, 5000), (4, 5000), (16, 4))
>>> rec.names
('alpha', 'slow wave', 'beta', 'eye blink')
"""

from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from ._validation import check_positive

__all__ = ["SOURCE_NAMES", "Recording", "eeg_recording", "electrode_positions"]

#: The sources of :func:`eeg_recording`, in the order of the rows of ``sources``.
SOURCE_NAMES = ("alpha", "slow wave", "beta", "eye blink")

# Where on the head each source is seen most strongly (x: left -1 to right +1, y: back -1 to
# front +1) and how wide its pattern is; the blink sits in front of the electrodes, at the eyes.
_CENTRES = {"alpha": (0.0, -0.8), "slow wave": (0.1, 0.0), "beta": (-0.7, -0.1), "eye blink": (0.0, 1.4)}
_WIDTHS = {"alpha": 0.4, "slow wave": 0.4, "beta": 0.3, "eye blink": 0.45}


class Recording(NamedTuple):
    """A synthetic recording and its ground truth (see :func:`eeg_recording`).

    Attributes
    ----------
    data : (c, T) ndarray
        What the electrodes record, in microvolts: ``mixing @ sources + noise``.
    time : (T,) ndarray
        Sample times in seconds, ``arange(T) / fs``.
    fs : float
        Sampling rate in Hz.
    sources : (4, T) ndarray
        The time courses of the sources, in microvolts, rows in the order of `names`.
    mixing : (c, 4) ndarray
        Column ``j`` is the spatial pattern of source ``j``: its weight at each electrode
        (largest weight 1).
    names : tuple of str
        :data:`SOURCE_NAMES`.
    positions : (c, 2) ndarray
        Electrode positions ``(x, y)`` on the unit disc seen from above, nose at ``y = 1``.
    noise : (c, T) ndarray
        The sensor noise that was added.
    """

    data: np.ndarray
    time: np.ndarray
    fs: float
    sources: np.ndarray
    mixing: np.ndarray
    names: tuple
    positions: np.ndarray
    noise: np.ndarray

    def clean(self, exclude=()):
        """The noise-free recording, optionally without some sources.

        Parameters
        ----------
        exclude : iterable of str, optional
            Names of sources to leave out (``("eye blink",)`` gives the brain signal alone).

        Returns
        -------
        (c, T) ndarray
            ``mixing[:, keep] @ sources[keep]``.

        Raises
        ------
        ValueError
            If a name in `exclude` is not one of `names`.
        """
        exclude = (exclude,) if isinstance(exclude, str) else tuple(exclude)
        unknown = [name for name in exclude if name not in self.names]
        if unknown:
            raise ValueError(f"unknown source name(s) {unknown}; the sources are {list(self.names)}.")
        keep = [j for j, name in enumerate(self.names) if name not in exclude]
        return self.mixing[:, keep] @ self.sources[keep]


def _check_int(x, name, low, high):
    if isinstance(x, bool) or not isinstance(x, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {x!r}.")
    if not low <= x <= high:
        raise ValueError(f"{name} must be between {low} and {high}; got {x!r}.")
    return int(x)


def electrode_positions(n_channels=16):
    """Positions of `n_channels` electrodes spread evenly over the unit disc.

    Parameters
    ----------
    n_channels : int, optional
        Number of electrodes, 4 to 256 (default 16).

    Returns
    -------
    (n_channels, 2) ndarray
        ``(x, y)`` of each electrode, seen from above with the nose at ``y = 1``, on a sunflower
        (Fibonacci) spiral: no two electrodes coincide and the density is even.

    Raises
    ------
    TypeError
        If `n_channels` is not an int.
    ValueError
        If `n_channels` is outside 4 to 256.

    Examples
    --------
    >>> electrode_positions(16).shape
    (16, 2)
    """
    n = _check_int(n_channels, "n_channels", 4, 256)
    i = np.arange(n) + 0.5
    radius = np.sqrt(i / n)
    angle = i * np.pi * (3 - np.sqrt(5))  # the golden angle
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def eeg_recording(n_channels=16, duration=20.0, fs=250.0, *, noise=2.0, seed=0):
    """A seeded synthetic EEG-like recording with known sources, mixing, an eye-blink artifact and noise.

    Parameters
    ----------
    n_channels : int, optional
        Number of electrodes, 4 to 256 (default 16).
    duration : float, optional
        Length in seconds, > 0 (default 20). The recording holds ``round(duration * fs)`` samples,
        at least 10.
    fs : float, optional
        Sampling rate in Hz, at least 100 so that the 20 Hz beta rhythm is well sampled
        (default 250).
    noise : float, optional
        Standard deviation of the white sensor noise in microvolts, >= 0 (default 2).
    seed : int, optional
        Seed of ``np.random.default_rng``: blink times, rhythm phases, noise (default 0).

    Returns
    -------
    Recording
        ``data`` (channels x samples, microvolts) and the ground truth: ``sources``, ``mixing``,
        ``noise``, the electrode ``positions``, ``time`` and ``fs``.

    Raises
    ------
    TypeError
        If `n_channels` or `seed` is not an int, or `duration`, `fs` or `noise` is not a real number.
    ValueError
        If a value is out of its range (see above), or NaN or infinite.

    Notes
    -----
    The four sources, in microvolts:

    ``alpha``
        a 10 Hz rhythm over the back of the head (occipital), amplitude about 10, waxing and
        waning over a few seconds;
    ``slow wave``
        a 1.5 Hz (delta) wave over the centre of the head, amplitude about 8;
    ``beta``
        a 20 Hz rhythm over the left side, amplitude about 4;
    ``eye blink``
        one blink every 2.5 to 5 s, each a smooth pulse of about 0.3 s and 80 to 120
        microvolts, seen mostly by the electrodes near the forehead.

    Each spatial pattern (a column of `mixing`) is a Gaussian bump around the place the source is
    seen best, with largest weight 1. The patterns are neither orthogonal nor exactly those the SVD
    finds: the SVD returns orthogonal patterns, ordered by energy.

    Examples
    --------
    >>> rec = eeg_recording(n_channels=8, duration=4, fs=100, seed=1)
    >>> rec.data.shape, float(rec.time[-1])
    ((8, 400), 3.99)
    >>> bool(np.allclose(rec.data, rec.mixing @ rec.sources + rec.noise))
    True
    """
    positions = electrode_positions(n_channels)
    duration = check_positive(duration, "duration")
    fs = check_positive(fs, "fs")
    if fs < 100:
        raise ValueError(f"fs must be at least 100 Hz to sample the 20 Hz beta rhythm well; got {fs!r}.")
    noise = check_positive(noise, "noise", allow_zero=True)
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an int; got {seed!r}.")
    if seed < 0:
        raise ValueError(f"seed must be >= 0; got {seed!r}.")
    n_samples = int(round(duration * fs))
    if n_samples < 10:
        raise ValueError(f"duration * fs must give at least 10 samples; got {n_samples}.")

    rng = np.random.default_rng(seed)
    t = np.arange(n_samples) / fs
    phase = rng.uniform(0, 2 * np.pi, 4)
    envelope = 1 + 0.5 * np.sin(2 * np.pi * 0.15 * t + phase[3])  # alpha waxes and wanes
    alpha = 10 * envelope * np.sin(2 * np.pi * 10 * t + phase[0])
    slow = 8 * np.sin(2 * np.pi * 1.5 * t + phase[1])
    beta = 4 * np.sin(2 * np.pi * 20 * t + phase[2])

    blink = np.zeros(n_samples)
    onset = rng.uniform(0.5, 2.0)
    while onset < t[-1]:
        # a blink: a smooth pulse, fast rise and slower fall (a skewed Gaussian of ~0.3 s)
        width = np.where(t < onset, 0.05, 0.09)
        blink += rng.uniform(80, 120) * np.exp(-0.5 * ((t - onset) / width) ** 2)
        onset += rng.uniform(2.5, 5.0)

    sources = np.vstack([alpha, slow, beta, blink])
    mixing = np.column_stack([
        np.exp(-np.sum((positions - _CENTRES[name]) ** 2, axis=1) / (2 * _WIDTHS[name] ** 2))
        for name in SOURCE_NAMES
    ])
    mixing /= mixing.max(axis=0)  # largest weight 1: a source's amplitude is what its best electrode sees
    sensor_noise = noise * rng.standard_normal((n_channels, n_samples))
    data = mixing @ sources + sensor_noise
    return Recording(data, t, fs, sources, mixing, SOURCE_NAMES, positions, sensor_noise)
