"""Plots used by the lessons: image grids, loss curves, 1-D densities.

Introduced in lesson 01 (densities) and lesson 02 (grids, loss curves).
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from gan_course.data import check_images


def image_grid(images, ncols: int | None = None, pad: int = 1) -> np.ndarray:
    """Tile images (N, H, W, C) in [-1, 1] into one array (rows*H, cols*W, C) in [0, 1]."""
    images = check_images(images)
    n, h, w, c = images.shape
    if n == 0:
        raise ValueError("no images to show: the batch is empty")
    ncols = ncols or math.ceil(math.sqrt(n))
    nrows = math.ceil(n / ncols)
    grid = np.ones((nrows * (h + pad) + pad, ncols * (w + pad) + pad, c), dtype=np.float32)
    for i, img in enumerate((images + 1.0) / 2.0):
        r, col = divmod(i, ncols)
        grid[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + col * (w + pad) : pad + col * (w + pad) + w] = img
    return np.clip(grid, 0.0, 1.0)


def show_grid(images, ncols: int | None = None, title: str | None = None, ax=None, size: float = 4.0):
    """Show images (N, H, W, C) in [-1, 1] as one grid; returns the matplotlib Axes."""
    grid = image_grid(images, ncols)
    if ax is None:
        _, ax = plt.subplots(figsize=(size, size * grid.shape[0] / grid.shape[1]))
    ax.imshow(grid[..., 0] if grid.shape[-1] == 1 else grid, cmap="gray", vmin=0.0, vmax=1.0)
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def _smooth(values: np.ndarray, window: int) -> np.ndarray:
    if window <= 1 or len(values) < window:
        return values
    return np.convolve(values, np.ones(window) / window, mode="valid")


def plot_losses(history, smooth: int = 20, title: str | None = None, axes=None):
    """Plot D and G losses (left) and mean D(x), D(G(z)) (right) per training step.

    ``history`` is a ``gan_course.training.History`` or a dict of arrays. Curves are
    moving averages over ``smooth`` steps; the dashed line marks log 4, the loss of a
    discriminator that cannot tell real from fake.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    ax_loss, ax_d = axes
    for key, label in (("d_loss", "D loss"), ("g_loss", "G loss")):
        ax_loss.plot(_smooth(np.asarray(history[key], dtype=float), smooth), label=label)
    ax_loss.axhline(np.log(4), ls="--", c="gray", lw=1, label="log 4")
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("loss")
    ax_loss.legend()
    for key, label in (("d_real", "D(x), real"), ("d_fake", "D(G(z)), fake")):
        ax_d.plot(_smooth(np.asarray(history[key], dtype=float), smooth), label=label)
    ax_d.axhline(0.5, ls="--", c="gray", lw=1)
    ax_d.set_ylim(0, 1)
    ax_d.set_xlabel("step")
    ax_d.set_ylabel("mean discriminator output")
    ax_d.legend()
    if title:
        ax_loss.figure.suptitle(title)
    return axes


def plot_1d_gan(real, fake, x, d_values=None, ax=None, title: str | None = None):
    """Histograms of real and generated 1-D samples, with D(x) on the grid ``x`` if given."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    bins = np.linspace(x.min(), x.max(), 60)
    ax.hist(np.ravel(real), bins=bins, density=True, alpha=0.5, label="real data")
    ax.hist(np.ravel(fake), bins=bins, density=True, alpha=0.5, label="generator")
    if d_values is not None:
        ax.plot(x, d_values, c="k", lw=1.5, label="D(x)")
    ax.set_xlim(x.min(), x.max())
    ax.set_xlabel("x")
    ax.legend(loc="upper left", fontsize="small")
    if title:
        ax.set_title(title)
    return ax


def to_uint8(images) -> np.ndarray:
    """Images in [-1, 1] -> uint8 in [0, 255] (for PNG and GIF files)."""
    return np.round((np.clip(np.asarray(images, dtype=np.float32), -1, 1) + 1) * 127.5).astype(np.uint8)


def save_png(images, path, ncols: int | None = None) -> str:
    """Save images (N, H, W, C) in [-1, 1] as one PNG grid; returns the path. Introduced in lesson 03."""
    import imageio.v3 as iio

    grid = (image_grid(images, ncols) * 255).round().astype(np.uint8)
    iio.imwrite(path, grid[..., 0] if grid.shape[-1] == 1 else grid)
    return str(path)


def save_gif(frames, path, fps: float = 2.0) -> str:
    """Write frames (T, H, W) or (T, H, W, 3) uint8, e.g. the grids of ``SampleGrid``, as a looping GIF.

    Encoded by imageio's Pillow plugin. Introduced in lesson 03.
    """
    import imageio.v3 as iio

    frames = np.asarray(frames)
    if frames.ndim == 4 and frames.shape[-1] == 1:
        frames = frames[..., 0]
    if frames.dtype != np.uint8 or frames.ndim not in (3, 4) or len(frames) == 0:
        raise ValueError(
            f"expected frames of shape (T, H, W) or (T, H, W, 3) as uint8, got {frames.shape} {frames.dtype}: "
            "use viz.to_uint8 on images in [-1, 1]"
        )
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    iio.imwrite(path, frames, extension=".gif", duration=1000.0 / fps, loop=0)
    return str(path)


def show_strip(images, title: str | None = None, size: float = 10.0, labels=None):
    """Show images (N, H, W, C) in [-1, 1] in one row, e.g. an interpolation; optional per-image labels."""
    images = check_images(images)
    _, axes = plt.subplots(1, len(images), figsize=(size, size / len(images) + 0.5))
    for i, ax in enumerate(np.atleast_1d(axes)):
        img = (images[i] + 1) / 2
        ax.imshow(img[..., 0] if img.shape[-1] == 1 else img, cmap="gray", vmin=0, vmax=1)
        ax.set_axis_off()
        if labels is not None:
            ax.set_title(str(labels[i]), fontsize="small")
    if title:
        plt.suptitle(title)
    return axes


def plot_losses_and_fid(logs, fid_history, title: str | None = None):
    """Per-epoch D and G losses (left) next to FID (right) over the same epochs.

    ``logs`` is Keras' ``History.history`` (or a dict with ``d_loss`` and ``g_loss`` per
    epoch); ``fid_history`` is ``callbacks.FIDTracker.history``, a list of (epoch, fid).
    Introduced in lesson 05.
    """
    _, (ax_loss, ax_fid) = plt.subplots(1, 2, figsize=(10, 3.2))
    epochs = np.arange(1, len(logs["d_loss"]) + 1)
    ax_loss.plot(epochs, logs["d_loss"], "o-", label="D loss")
    ax_loss.plot(epochs, logs["g_loss"], "o-", label="G loss")
    ax_loss.axhline(np.log(4), ls="--", c="gray", lw=1, label="log 4")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("mean loss")
    ax_loss.legend()
    fid_epochs, fids = zip(*fid_history) if fid_history else ((), ())
    ax_fid.plot(fid_epochs, fids, "o-", c="C3")
    ax_fid.set_xlabel("epoch")
    ax_fid.set_ylabel("FID (domain features)")
    ax_fid.set_ylim(bottom=0)
    if title:
        ax_loss.figure.suptitle(title)
    return ax_loss, ax_fid
