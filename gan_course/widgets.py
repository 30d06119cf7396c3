"""ipywidgets panels. Core widgets and inline matplotlib only, so they work on ipywidgets 7.7
(Colab) and 8 (JupyterLab 4). Introduced in lesson 03.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from gan_course import latent, viz


def latent_path_images(generator, seed_a: int, seed_b: int, steps: int = 8, method: str = "slerp") -> np.ndarray:
    """Images along the latent path between the noise vectors drawn with ``seed_a`` and ``seed_b``."""
    z_dim = int(generator.inputs[0].shape[-1])
    z0 = np.random.default_rng(seed_a).normal(size=z_dim)
    z1 = np.random.default_rng(seed_b).normal(size=z_dim)
    return generator(latent.interpolate(z0, z1, steps, method), training=False).numpy()


def latent_explorer(generator, steps: int = 8):
    """A panel to walk the latent space: two sample seeds, the interpolation method, the steps.

    Each change redraws the strip of generated images from sample A to sample B.
    """
    import ipywidgets as w

    seed_a = w.IntSlider(value=0, min=0, max=999, description="sample A")
    seed_b = w.IntSlider(value=1, min=0, max=999, description="sample B")
    method = w.Dropdown(options=["slerp", "linear"], value="slerp", description="path")
    n_steps = w.IntSlider(value=steps, min=2, max=16, description="steps")

    def draw(seed_a, seed_b, method, n_steps):
        images = latent_path_images(generator, seed_a, seed_b, n_steps, method)
        viz.show_strip(images, title=f"{method} path from sample {seed_a} to sample {seed_b}")
        plt.show()

    out = w.interactive_output(draw, {"seed_a": seed_a, "seed_b": seed_b, "method": method, "n_steps": n_steps})
    return w.VBox([w.HBox([seed_a, seed_b]), w.HBox([method, n_steps]), out])


def ring_lab_run(remedy: str = "vanilla", modes: int = 8, lr_d: float = 1e-3, lr_g: float = 1e-3, d_steps: int = 1,
                 steps: int = 2000, seed: int = 0, beta_1: float = 0.9):  # fmt: skip
    """Train the lesson-04 toy GAN on a ring of ``modes`` Gaussians; return (mixture, ``collapse.ToyRun``).

    What the ``ring_lab`` panel runs on each click. Introduced in lesson 04.
    """
    from gan_course import collapse, toy

    ring = toy.ring(n=20_000, modes=modes)
    run = collapse.train_toy(ring, seed=seed, every=max(steps // 4, 1), remedy=remedy, lr_d=lr_d, lr_g=lr_g,
                             d_steps=d_steps, steps=steps, beta_1=beta_1)  # fmt: skip
    return ring, run


def ring_lab(steps: int = 2000):
    """A panel to play with mode collapse on the ring: learning rates, Adam's β₁, D steps per G
    step, the remedy, the number of modes and steps. "Train" reruns in a few seconds and draws snapshots.
    Core widgets only (ipywidgets 7.7 and 8). Introduced in lesson 04.
    """
    import ipywidgets as w

    from gan_course import collapse

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
            ring, run = ring_lab_run(remedy.value, modes.value, lr_d.value, lr_g.value, d_steps.value, n_steps.value,
                                     beta_1=beta_1.value)  # fmt: skip
            collapse.plot_snapshots(run, ring)
            plt.suptitle(f"{remedy.value}: {run.seconds:.1f} s", y=1.08)
            plt.show()

    button.on_click(on_click)
    return w.VBox([w.HBox([remedy, modes, n_steps]), w.HBox([lr_d, lr_g, d_steps, beta_1]), button, out])
