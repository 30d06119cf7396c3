"""Plots used by the lessons: image grids, loss curves, 1-D densities, 2-D toy points, class shares.

Used in lessons 01, 02, 03, 04, 05, 06, 07, 08 and 09.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from gan_course._checks import array, finite, integer, number
from gan_course._checks import path as _path
from gan_course.data import check_images


def _image_grid(images, ncols: int | None = None, pad: int = 1) -> np.ndarray:
    """Tile images (N, H, W, C) in [-1, 1] into one array (rows*H, cols*W, C) in [0, 1], ``pad`` pixels apart."""
    images = check_images(images)
    n, h, w, c = images.shape
    if c not in (1, 3, 4):
        raise ValueError(f"images must have 1 (gray), 3 (RGB) or 4 (RGBA) channels to be shown, got {c} channel(s)")
    ncols = integer(ncols, "ncols", 1, allow_none=True) or math.ceil(math.sqrt(n))
    pad = integer(pad, "pad", 0)
    nrows = math.ceil(n / ncols)
    grid = np.ones((nrows * (h + pad) + pad, ncols * (w + pad) + pad, c), dtype=np.float32)
    for i, img in enumerate((images + 1.0) / 2.0):
        r, col = divmod(i, ncols)
        grid[pad + r * (h + pad) : pad + r * (h + pad) + h, pad + col * (w + pad) : pad + col * (w + pad) + w] = img
    return np.clip(grid, 0.0, 1.0)


def show_grid(images, ncols: int | None = None, title: str | None = None, ax=None, size: float = 4.0):
    """Show images (N, H, W, C) in [-1, 1] as one grid; returns the matplotlib Axes. Introduced in lesson 02."""
    grid = _image_grid(images, ncols)
    size = number(size, "size", positive=True)
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


def _loss_of(history, loss):
    """The ``GANLoss`` that tells how to read ``history``: given, or carried by the history."""
    from gan_course.losses import get_loss

    if loss is not None:
        return get_loss(loss)
    if getattr(history, "loss", None) is not None:  # training.History
        return history.loss
    model = getattr(history, "model", None)  # a Keras History of GAN.fit
    return getattr(model, "gan_loss", None)


def _history_dict(history):
    return history.history if hasattr(history, "history") and isinstance(history.history, dict) else history


def _history_values(history, name: str, keys: tuple) -> dict:
    """The dict of curves in a History (ours or Keras') or a dict, with a clear error if keys are missing."""
    values = _history_dict(history)
    if isinstance(getattr(values, "steps", None), dict):  # training.History
        values = values.steps
    missing = [k for k in keys if k not in values] if isinstance(values, dict) else list(keys)
    if missing:
        raise ValueError(
            f"{name} must be a training.History, GAN.fit's History or a dict with {', '.join(keys)}; "
            f"got {type(history).__name__} without {', '.join(missing)}"
        )
    return values


def plot_losses(history, smooth: int = 20, title: str | None = None, axes=None, loss=None, per: str = "step"):
    """Plot D and G losses (left) and the mean of D's output on real and fake samples (right).

    ``history`` is a ``training.History``, a Keras ``History`` of ``GAN.fit``, or a dict of
    per-step (``per="step"``) or per-epoch (``per="epoch"``, counted from 1) arrays. The loss
    (``loss=``, or the one the history carries) says how to read the numbers: for binary
    cross-entropy a dashed line marks log 4, the loss of a D that cannot tell real from fake,
    and D's output is a probability with 1/2 marked; for a Wasserstein critic the right panel
    shows raw scores and no line is drawn. Curves are moving averages over ``smooth`` points.
    Introduced in lesson 02.
    """
    if per not in ("step", "epoch"):
        raise ValueError(f"per must be 'step' or 'epoch', got {per!r}")
    smooth = integer(smooth, "smooth", 1)
    gan_loss = _loss_of(history, loss)
    values = _history_values(history, "history", ("d_loss", "g_loss", "d_real", "d_fake"))
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.2))
    ax_loss, ax_d = axes
    start = 1 if per == "epoch" else 0
    for ax, keys in (
        (ax_loss, (("d_loss", "D loss"), ("g_loss", "G loss"))),
        (ax_d, (("d_real", "real"), ("d_fake", "fake"))),
    ):
        for key, label in keys:
            curve = _smooth(np.asarray(values[key], dtype=float), smooth)
            ax.plot(np.arange(start, start + len(curve)), curve, "o-" if per == "epoch" else "-", label=label)
        ax.set_xlabel(per)
    if gan_loss is not None and gan_loss.d_loss_reference is not None:
        ax_loss.axhline(gan_loss.d_loss_reference, ls="--", c="gray", lw=1, label=gan_loss.d_loss_reference_label)
    ax_loss.set_ylabel("loss")
    ax_loss.legend()
    if gan_loss is not None and gan_loss.output_reference is not None:
        ax_d.axhline(gan_loss.output_reference, ls="--", c="gray", lw=1)
        ax_d.set_ylim(0, 1)
    ax_d.set_ylabel(gan_loss.output_label if gan_loss is not None else "mean D output")
    ax_d.legend()
    if title:
        ax_loss.figure.suptitle(title)
    return axes


def plot_1d_gan(real, fake, x, d_values=None, ax=None, title: str | None = None):
    """Histograms of real and generated 1-D samples, with D(x) on the grid ``x`` if given. Introduced in lesson 01."""
    x = finite(x, "x", ndim=1)
    real, fake = finite(real, "real"), finite(fake, "fake")
    if d_values is not None:
        d_values = finite(d_values, "d_values")
        if d_values.shape != x.shape:
            raise ValueError(f"d_values must give D(x) at every point of x: shape {x.shape}, got {d_values.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.2))
    bins = np.linspace(x.min(), x.max(), 60)
    ax.hist(np.ravel(real), bins=bins, density=True, alpha=0.5, label="real data")
    ax.hist(np.ravel(fake), bins=bins, density=True, alpha=0.5, label="generator")
    if d_values is not None:
        ax.plot(x, d_values, c="k", lw=1.5, label="D(x)")
    ax.set_xlim(x.min(), x.max())
    ax.set_xlabel("x")
    ax.set_ylabel("density, or D(x)")
    ax.legend(loc="upper left", fontsize="small")
    if title:
        ax.set_title(title)
    return ax


def _to_uint8(images) -> np.ndarray:
    """Images in [-1, 1] -> uint8 in [0, 255] (for PNG and GIF files)."""
    arr = array(images, "images")
    if arr.dtype == np.uint8:
        raise ValueError(
            "images are uint8 already (0..255): viz takes images in [-1, 1] (x / 127.5 - 1); "
            "uint8 pixels need no conversion"
        )
    arr = finite(arr, "images")
    if arr.size == 0:
        raise ValueError(f"images are empty (shape {arr.shape}): pass at least one image")
    if arr.min() < -1.01 or arr.max() > 1.01:
        raise ValueError(
            f"expected images in [-1, 1], got [{arr.min():.3g}, {arr.max():.3g}]"
            + (": divide by 127.5 and subtract 1" if arr.min() >= 0 and arr.max() > 1.5 else "")
        )
    return np.round((np.clip(arr.astype(np.float32), -1, 1) + 1) * 127.5).astype(np.uint8)


def grid_uint8(images, ncols: int | None = None) -> np.ndarray:
    """Images (N, H, W, C) in [-1, 1] tiled into one uint8 array: a PNG or GIF frame. Introduced in lesson 03."""
    return _to_uint8(_image_grid(images, ncols) * 2.0 - 1.0)


def _writable(path) -> None:
    from pathlib import Path

    if Path(_path(path, "path")).is_dir():
        raise ValueError(f"path {path} is a folder: give a file name such as {Path(path) / 'grid.png'}")


def save_png(images, path, ncols: int | None = None) -> str:
    """Save images (N, H, W, C) in [-1, 1] as one PNG grid; returns the path. Introduced in lesson 03."""
    import imageio.v3 as iio

    _writable(path)
    grid = grid_uint8(images, ncols)
    iio.imwrite(path, grid[..., 0] if grid.shape[-1] == 1 else grid)
    return str(path)


def save_gif(frames, path, fps: float = 2.0, labels=None) -> str:
    """Write frames (T, H, W) or (T, H, W, 3) uint8, e.g. the grids of ``SampleGrid``, as a looping GIF.

    With ``labels`` (one text per frame, e.g. ``f"epoch {e}"``), each frame gets a white band on top
    with its label, drawn by Pillow. Encoded by imageio's Pillow plugin. Introduced in lesson 03.
    """
    import imageio.v3 as iio

    _writable(path)
    fps = number(fps, "fps", positive=True)
    frames = array(frames, "frames")
    if frames.ndim == 4 and frames.shape[-1] == 1:
        frames = frames[..., 0]
    if frames.dtype != np.uint8 or frames.ndim not in (3, 4) or len(frames) == 0:
        raise ValueError(
            f"expected frames of shape (T, H, W) or (T, H, W, 3) as uint8, got {frames.shape} {frames.dtype}: "
            "make each frame with viz.grid_uint8 from images in [-1, 1]"
        )
    if labels is not None:
        labels = [str(label) for label in labels]
        if len(labels) != len(frames):
            raise ValueError(f"labels: give one per frame ({len(frames)}), got {len(labels)}")
        frames = np.stack([_with_label(frame, label) for frame, label in zip(frames, labels)])
    iio.imwrite(path, frames, extension=".gif", duration=1000.0 / fps, loop=0)
    return str(path)


def _with_label(frame: np.ndarray, label: str, band: int = 14) -> np.ndarray:
    from PIL import Image, ImageDraw

    image = Image.fromarray(frame)
    out = Image.new(image.mode, (image.width, image.height + band), 255 if image.mode == "L" else (255, 255, 255))
    out.paste(image, (0, band))
    ImageDraw.Draw(out).text((2, 1), label, fill=0 if image.mode == "L" else (0, 0, 0))
    return np.asarray(out)


def show_strip(images, title: str | None = None, size: float = 10.0, labels=None):
    """Show images (N, H, W, C) in [-1, 1] in one row, e.g. an interpolation; optional per-image labels.

    Introduced in lesson 03.
    """
    images = check_images(images)
    size = number(size, "size", positive=True)
    if labels is not None and len(labels) != len(images):
        raise ValueError(f"labels: give one per image ({len(images)}), got {len(labels)}")
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


def plot_losses_and_fid(logs, fid_history, title: str | None = None, loss=None):
    """Per-epoch D and G losses (left) next to FID (right) over the same epochs.

    ``logs`` is Keras' ``History`` of ``GAN.fit`` (or its ``.history`` dict, with ``d_loss`` and
    ``g_loss`` per epoch); ``fid_history`` is ``callbacks.FIDTracker.history``, a list of (epoch, fid).
    The loss (``loss=`` or the History's model's) decides the reference line. Introduced in lesson 05.
    """
    gan_loss = _loss_of(logs, loss)
    logs = _history_values(logs, "logs", ("d_loss", "g_loss"))
    if not isinstance(fid_history, (list, tuple)):
        raise ValueError(f"fid_history must be a list of (epoch, fid) such as FIDTracker.history, got {fid_history!r}")
    if fid_history:
        pairs = array(fid_history, "fid_history")
        if pairs.ndim != 2 or pairs.shape[1] != 2:
            raise ValueError(f"fid_history must be a list of (epoch, fid) pairs, got shape {pairs.shape}")
        finite(pairs, "fid_history")
    _, (ax_loss, ax_fid) = plt.subplots(1, 2, figsize=(10, 3.2))
    epochs = np.arange(1, len(logs["d_loss"]) + 1)
    ax_loss.plot(epochs, logs["d_loss"], "o-", label="D loss")
    ax_loss.plot(epochs, logs["g_loss"], "o-", label="G loss")
    if gan_loss is not None and gan_loss.d_loss_reference is not None:
        ax_loss.axhline(gan_loss.d_loss_reference, ls="--", c="gray", lw=1, label=gan_loss.d_loss_reference_label)
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


def show_grids(named_images: dict, ncols: int | None = None, n: int | None = None, size: float = 4.0):
    """Several image sets side by side, one grid each, titled by the dict's keys (at most ``n`` images each).

    Introduced in lesson 04.
    """
    if not isinstance(named_images, dict) or not named_images:
        raise ValueError(f"named_images must be a non-empty dict {{title: images}}, got {named_images!r:.60}")
    n, size = integer(n, "n", 1, allow_none=True), number(size, "size", positive=True)
    named_images = {name: check_images(images, f"named_images[{name!r}]") for name, images in named_images.items()}
    _, axes = plt.subplots(1, len(named_images), figsize=(size * len(named_images), size), squeeze=False)
    for ax, (name, images) in zip(axes[0], named_images.items()):
        show_grid(np.asarray(images)[:n], ncols, title=str(name), ax=ax)
    return axes[0]


def plot_class_shares(counts: dict, class_names, title: str | None = None, ax=None):
    """Bars of the share of images per class, one colour per entry of ``counts`` (name -> counts per class).

    Introduced in lesson 04.
    """
    if not isinstance(counts, dict) or not counts:
        raise ValueError(f"counts must be a non-empty dict name -> counts per class, got {counts!r:.60}")
    for name, c in counts.items():
        c = finite(c, f"counts[{name!r}]", ndim=1)
        if len(c) != len(class_names) or c.sum() <= 0 or np.any(c < 0):
            raise ValueError(
                f"counts[{name!r}] must be non-negative counts with a positive sum, one per class in class_names "
                f"({len(class_names)}), got {c.tolist()}"
            )
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.5))
    k = len(counts)
    width = 0.8 / max(k, 1)
    for i, (name, c) in enumerate(counts.items()):
        c = np.asarray(c, dtype=np.float64)
        if len(c) != len(class_names) or c.sum() <= 0:
            raise ValueError(f"counts[{name!r}] must be {len(class_names)} non-negative counts with a positive sum")
        ax.bar(np.arange(len(c)) + (i - (k - 1) / 2) * width, c / c.sum(), width, label=str(name))
    ax.set_xticks(np.arange(len(class_names)), class_names, rotation=30)
    ax.set(ylabel="share of images", title=title or "")
    ax.legend()
    return ax


# ------------------------------------------------------------------ 2-D toy data (lesson 04)


def plot_toy_points(points, centers=None, title: str | None = None, ax=None, lim: float | None = None, n: int = 1000):
    """Up to ``n`` 2-D points (blue) over a mixture's centres (red crosses), in a square panel.

    The panel spans the centres with a margin, widened so that every point stays inside, up to four
    times that margin (or give ``lim``). Points still outside (far outliers, or not finite) are
    counted in the panel's lower left corner, so that no point leaves the picture unnoticed.
    Introduced in lesson 04.
    """
    points = array(points, "points")
    if points.ndim != 2 or points.shape[1] != 2 or points.dtype.kind not in "iuf":
        raise ValueError(f"points must be numbers of shape (n, 2), got {points.shape} {points.dtype}")
    n, lim = integer(n, "n", 1), None if lim is None else number(lim, "lim", positive=True)
    if centers is not None:
        centers = finite(centers, "centers", ndim=2)
        if centers.shape[1] != 2:
            raise ValueError(f"centers must have shape (k, 2), got {centers.shape}")
    if ax is None:
        _, ax = plt.subplots(figsize=(3, 3))
    shown = points[:n]
    kept = shown[np.all(np.isfinite(shown), axis=1)]
    if lim is None:  # the centres with a margin, widened (up to 4 times) so that every point stays inside
        ref = np.asarray(centers) if centers is not None else kept
        base = 1.3 * np.abs(ref).max() + 0.2 if len(ref) else 1.0
        lim = min(max(base, 1.05 * np.abs(kept).max() if len(kept) else 0.0), 4 * base)
    ax.scatter(*kept.T, s=2, alpha=0.4, color="tab:blue")
    if centers is not None:
        ax.scatter(*np.asarray(centers).T, marker="x", s=25, color="tab:red")
    ax.set(xlim=(-lim, lim), ylim=(-lim, lim), xticks=[], yticks=[], aspect="equal")
    outside = len(shown) - len(kept) + int(np.any(np.abs(kept) > lim, axis=1).sum())
    if outside:
        ax.text(0.02, 0.02, f"{outside} of {len(shown)} points outside", transform=ax.transAxes, fontsize=7,
                color="tab:gray")  # fmt: skip
    if title:
        ax.set_title(title, fontsize=9)
    return ax


def plot_snapshots(run, mixture, indices=None, axes=None, size: float = 2.6):
    """Generated points over the data's centres at several snapshots of a ``collapse.ToyRun``.

    ``indices`` picks snapshots (default: up to 6, evenly spaced); each panel is titled with
    the step, modes covered and the high-quality share. Introduced in lesson 04.
    """
    if not hasattr(mixture, "centers"):
        raise ValueError(f"mixture must be the toy.Mixture the run trained on, got {type(mixture).__name__}")
    if not hasattr(run, "snapshots") or not hasattr(run, "coverage"):
        raise ValueError(f"run must be a collapse.ToyRun (from train_toy or train_ring), got {type(run).__name__}")
    if not run.snapshots:
        raise ValueError("run has no snapshots: train it with every= at most its steps")
    if indices is None:
        indices = np.unique(np.linspace(0, len(run.snapshots) - 1, min(6, len(run.snapshots))).round().astype(int))
    if axes is None:
        _, axes = plt.subplots(1, len(indices), figsize=(size * len(indices), size), squeeze=False)
        axes = axes[0]
    for ax, i in zip(axes, indices):
        c = run.coverage[i]
        title = f"step {run.steps[i]}\n{c.modes_covered}/{c.n_modes} modes, {c.high_quality_fraction:.0%} HQ"
        plot_toy_points(run.snapshots[i], mixture.centers, title, ax=ax)
    return axes


def plot_coverage(runs: dict, axes=None):
    """Modes covered and high-quality share over training, one line per run in ``runs`` (label -> ToyRun).

    Introduced in lesson 04.
    """
    if not isinstance(runs, dict) or not runs or not all(hasattr(r, "coverage") and r.coverage for r in runs.values()):
        raise ValueError(f"runs must be a non-empty dict label -> collapse.ToyRun with snapshots, got {runs!r:.60}")
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3))
    for label, run in runs.items():
        axes[0].plot(run.steps, run.curve("modes_covered"), marker=".", label=label)
        axes[1].plot(run.steps, run.curve("high_quality_fraction"), marker=".", label=label)
    total = next(iter(runs.values())).final.n_modes if runs else 0
    axes[0].set(xlabel="generator step", ylabel="modes covered", ylim=(-0.5, total + 0.5))
    axes[1].set(xlabel="generator step", ylabel="high-quality share", ylim=(-0.02, 1.02))
    axes[0].legend(fontsize=8)
    return axes
