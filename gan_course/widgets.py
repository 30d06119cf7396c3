"""ipywidgets panels. Core widgets and inline matplotlib only, so they work on ipywidgets 7.7
(Colab) and 8 (JupyterLab 4).

Used in lessons 03, 04 and 07.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gan_course import latent, viz
from gan_course._checks import integer as _integer
from gan_course.training import generate, generator_inputs


def _latent_path_images(
    generator, seed_a: int, seed_b: int, steps: int = 8, method: str = "slerp", label=None
) -> np.ndarray:
    """Images along the latent path between the noise vectors drawn with ``seed_a`` and ``seed_b``.

    For a conditional generator give ``label`` (one class for the whole path). What ``latent_explorer`` draws.
    """
    z_dim, label_shape = generator_inputs(generator)
    seed_a, seed_b = _integer(seed_a, "seed_a", 0), _integer(seed_b, "seed_b", 0)
    if (label is None) != (label_shape is None):
        raise ValueError(
            "this generator is conditional: give label= (a class index)"
            if label is None
            else "label= was given but this generator takes no labels: leave label out"
        )
    if label is not None:
        label = _integer(label, "label (a class index)", 0)
        n_classes = _classes_of(generator)
        if n_classes is not None and label >= n_classes:
            raise ValueError(f"label must be a class index in [0, {n_classes}), got {label}")
    z0 = np.random.default_rng(seed_a).normal(size=z_dim)
    z1 = np.random.default_rng(seed_b).normal(size=z_dim)
    path = latent.interpolate(z0, z1, steps, method)
    labels = None if label is None else np.repeat(np.reshape(label, (1, *label_shape)), len(path), axis=0)
    return generate(generator, path, labels).numpy()


def _classes_of(generator) -> int | None:
    """The number of classes a conditional generator's embedding or one-hot layer takes, if it says."""
    for layer in getattr(generator, "layers", []):
        for attr in ("input_dim", "num_tokens"):
            if isinstance(getattr(layer, attr, None), int):
                return getattr(layer, attr)
    return None


def latent_explorer(generator, steps: int = 8, n_classes: int | None = None):
    """A panel to walk the latent space: two sample seeds, the interpolation method, the steps.

    Each change redraws the strip of generated images from sample A to sample B. For a
    conditional generator (class index input) give ``n_classes``: a slider picks the class.
    Introduced in lesson 03.
    """
    import ipywidgets as w

    _, label_shape = generator_inputs(generator)
    steps = _integer(steps, "steps", 2)
    if steps > 16:
        raise ValueError(f"steps must be at most 16 (the slider's range), got {steps}")
    if label_shape is not None and n_classes is None:
        raise ValueError("this generator is conditional: give n_classes= so the panel can offer a class slider")
    if label_shape is None and n_classes is not None:
        raise ValueError("n_classes= was given but this generator takes no labels: leave n_classes out")
    if n_classes is not None:
        n_classes = _integer(n_classes, "n_classes", 2)
    seed_a = w.IntSlider(value=0, min=0, max=999, description="sample A")
    seed_b = w.IntSlider(value=1, min=0, max=999, description="sample B")
    method = w.Dropdown(options=["slerp", "linear"], value="slerp", description="path")
    n_steps = w.IntSlider(value=steps, min=2, max=16, description="steps")
    controls = {"seed_a": seed_a, "seed_b": seed_b, "method": method, "n_steps": n_steps}
    if label_shape is not None:
        controls["label"] = w.IntSlider(value=0, min=0, max=n_classes - 1, description="class")

    def draw(seed_a, seed_b, method, n_steps, label=None):
        images = _latent_path_images(generator, seed_a, seed_b, n_steps, method, label)
        viz.show_strip(images, title=f"{method} path from sample {seed_a} to sample {seed_b}")
        plt.show()

    out = w.interactive_output(draw, controls)
    rows = [w.HBox([seed_a, seed_b]), w.HBox([method, n_steps])]
    if "label" in controls:
        rows.append(controls["label"])
    return w.VBox([*rows, out])


def ring_lab(steps: int = 2000):
    """A panel to play with mode collapse on the ring: learning rates, Adam's β₁, D steps per G
    step, the remedy, the number of modes and steps. "Train" reruns in a few seconds and draws snapshots.
    Core widgets only (ipywidgets 7.7 and 8). Introduced in lesson 04.
    """
    import ipywidgets as w

    from gan_course import collapse

    steps = _integer(steps, "steps", 500)
    if steps > 10_000:
        raise ValueError(f"steps must be at most 10000 (the slider's range), got {steps}")

    remedy = w.Dropdown(options=list(collapse.REMEDIES), value="vanilla", description="remedy")
    modes = w.IntSlider(value=8, min=2, max=16, description="modes")
    lr_d = w.FloatLogSlider(value=1e-3, base=10, min=-5, max=-2, description="lr D")
    lr_g = w.FloatLogSlider(value=1e-3, base=10, min=-5, max=-2, description="lr G")
    d_steps = w.IntSlider(value=1, min=1, max=5, description="D steps")
    beta_1 = w.Dropdown(options=[0.9, 0.5], value=0.9, description="Adam β₁")
    n_steps = w.IntSlider(value=steps, min=500, max=10_000, step=500, description="G steps")
    button = w.Button(description="Train")
    out = w.Output()

    def on_click(_=None):
        with out:
            out.clear_output(wait=True)
            ring, run = collapse.train_ring(
                remedy.value, modes.value, lr_d.value, lr_g.value, d_steps.value, n_steps.value, beta_1=beta_1.value
            )
            viz.plot_snapshots(run, ring)
            plt.suptitle(f"{remedy.value}: {run.seconds:.1f} s", y=1.08)
            plt.show()

    button.on_click(on_click)
    panel = w.VBox([w.HBox([remedy, modes, n_steps]), w.HBox([lr_d, lr_g, d_steps, beta_1]), button, out])
    panel.button, panel.output = button, out  # for tests and for learners who want to click from code
    return panel
