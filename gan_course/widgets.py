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
