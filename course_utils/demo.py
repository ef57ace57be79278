"""``make demo`` until the grading pipeline lands: the reconstruction study of the default sample.

Writes the figures to ``demo_output/`` and prints, for each rank of the
assignment, the relative error, PSNR and storage, all from one factorisation.
"""

from __future__ import annotations

import sys
from pathlib import Path

from . import figures, images, linalg, metrics

RANKS = (3, 10, 20, 50, 100)


def main(out_dir="demo_output"):
    """Run the study on the default sample and save its figures; return the output folder."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    image = images.load_sample()
    factors = linalg.svd(image)
    recon = linalg.reconstruct_many(image, RANKS, factors=factors)
    print(f"Default sample, {image.shape[0]}x{image.shape[1]} pixels")
    print(f"{'rank':>6} {'rel. error':>11} {'PSNR (dB)':>10} {'storage':>9}")
    for k in RANKS:
        err = metrics.relative_error(image, recon[k])
        db = metrics.psnr(image, recon[k])
        share = metrics.storage_cost(image.shape, k) / image.size
        print(f"{k:>6} {err:>10.2%} {db:>10.2f} {share:>9.1%}")
    saved = {
        "reconstruction_grid.png": figures.reconstruction_grid(image, RANKS, factors=factors),
        "spectrum.png": figures.spectrum_plot(factors.s, k=50),
        "energy.png": figures.energy_plot(factors.s, k=50),
        "rank_one_parts.png": figures.rank_one_parts(factors, n=5),
    }
    for name, fig in saved.items():
        fig.savefig(out / name, dpi=80)
    print(f"Figures written to {out}/")
    return out


if __name__ == "__main__":
    main(*sys.argv[1:])
