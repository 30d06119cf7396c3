"""``check_*`` functions for the lessons' exercises.

Each prints a verdict and, when the answer is wrong, a hint aimed at the most likely
mistake; each returns True or False so tests (and curious learners) can use it.
``solution(lesson, n)`` prints the worked solution of any exercise, checked or open
(``gan_course.solutions``), and returns a checked exercise's answer.
Used in lessons 01, 02, 03, 04, 05, 06, 07, 08, 09 and 10.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

_OK = "Correct"
_NO = "Not yet"


def _report(ok: bool, message: str) -> bool:
    print(f"{_OK if ok else _NO}: {message}")
    return ok


def _numbers(**answers):
    """Convert the learner's answers to floats; return (values, None) or (None, message)."""
    values = []
    for name, value in answers.items():
        if value is None:
            return None, f"`{name}` is still None: replace it with your answer"
        try:
            values.append(float(value))
        except (TypeError, ValueError):
            return None, f"`{name}` should be a number, got {value!r}"
    return values, None


def _call(fn, *args):
    if fn is None:
        return None, "you passed None: define your function (def my_...(...): ...) and pass it by name"
    if not callable(fn):
        return None, f"expected a function, got {type(fn).__name__} {fn!r}"
    try:
        result = fn(*args)
        if result is None:
            return None, "your function returned None: did you forget `return`?"
        return np.asarray(result, dtype=np.float64), None
    except Exception as err:  # noqa: BLE001 - the learner's code may fail in any way
        return None, f"your function raised {type(err).__name__}: {err}"


# ----------------------------------------------------------------- lesson 01


def check_optimal_discriminator(fn) -> bool:
    """Lesson 01: ``fn(p_data, p_g)`` must return D*(x) for density arrays. Introduced in lesson 01."""
    from gan_course.theory import optimal_discriminator

    x = np.linspace(-4, 8, 241)
    p_data, p_g = norm.pdf(x, 0, 1), norm.pdf(x, 3, 1.5)
    p_data[:20] = p_g[:20] = 0.0  # a region where neither distribution has mass
    got, error = _call(fn, p_data.copy(), p_g.copy())
    if error:
        return _report(False, error)
    want = optimal_discriminator(p_data, p_g)
    if got.shape != want.shape:
        return _report(False, f"expected one value per grid point, shape {want.shape}, got {got.shape}")
    live = (p_data + p_g) > 0
    if np.allclose(got[live], 1 - want[live]):
        return _report(False, "you returned p_g / (p_data + p_g): D should be high where the *real* density is high")
    if np.allclose(got[live], p_data[live] / np.maximum(p_g[live], 1e-300)):
        return _report(False, "D(x) is a probability: divide p_data by p_data + p_g, not by p_g")
    if not np.allclose(got[live], want[live], atol=1e-9):
        return _report(False, "maximise p_data·log D + p_g·log(1 - D) for each x: set its derivative in D to 0")
    if not np.all(np.isfinite(got)):
        return _report(False, "where p_data = p_g = 0 you return NaN (0/0); any value is optimal there, use 1/2")
    return _report(True, "D*(x) = p_data / (p_data + p_g), with 1/2 where neither has mass")


def check_jsd_from_value(jsd, v_at_optimum) -> bool:
    """Lesson 01: JSD recovered from V(D*, G) through V = -log 4 + 2·JSD. Introduced in lesson 01."""
    want = (v_at_optimum + np.log(4)) / 2
    values, error = _numbers(my_jsd=jsd)
    if error:
        return _report(False, error)
    (got,) = values
    if np.isclose(got, want, rtol=1e-6, atol=1e-9):
        return _report(True, f"JSD = (V + log 4) / 2 = {want:.4f}")
    if np.isclose(got, (v_at_optimum - np.log(4)) / 2, atol=1e-9):
        return _report(False, "sign: V(D*, G) = -log 4 + 2·JSD, so JSD = (V + log 4) / 2")
    if np.isclose(got, v_at_optimum + np.log(4), atol=1e-9):
        return _report(False, "close: V + log 4 equals 2·JSD; divide by 2")
    if np.isclose(got, want / np.log(2), rtol=1e-6):
        return _report(False, "you used log base 2; the course uses natural logs (log 4 = 1.386)")
    return _report(False, "start from V(D*, G) = -log 4 + 2·JSD(p_data || p_g) and solve for JSD")


def check_generator_gradients(saturating, non_saturating, d_fake=0.01) -> bool:
    """Lesson 01: gradients of the two G losses with respect to D's logit, at D(G(z)) = d_fake.

    Introduced in lesson 01.
    """
    want_sat, want_ns = -d_fake, d_fake - 1.0
    values, error = _numbers(my_saturating_gradient=saturating, my_non_saturating_gradient=non_saturating)
    if error:
        return _report(False, error)
    sat, ns = values
    if np.isclose(sat, want_sat, atol=1e-4) and np.isclose(ns, want_ns, atol=1e-4):
        return _report(
            True,
            f"saturating {want_sat:.3f} vs non-saturating {want_ns:.3f}: "
            "the minimax loss gives the generator almost no signal when D rejects its samples",
        )
    if np.isclose(sat, want_ns, atol=1e-4) and np.isclose(ns, want_sat, atol=1e-4):
        return _report(False, "the two values are swapped: log(1 - D) is the saturating (minimax) one")
    if np.isclose(sat, -1 / (1 - d_fake), atol=1e-3) or np.isclose(ns, -1 / d_fake, atol=1e-2):
        return _report(
            False,
            "those are derivatives with respect to D; take them with respect to the logit "
            "l, where D = sigmoid(l) and dD/dl = D(1 - D)",
        )
    if np.isclose(abs(sat), abs(want_sat), atol=1e-4) or np.isclose(abs(ns), abs(want_ns), atol=1e-4):
        return _report(
            False, "check the signs: the generator *minimises* its loss; d/dl log(1 - sigmoid(l)) = -sigmoid(l)"
        )
    return _report(
        False,
        "write each loss as a function of the logit l, D = sigmoid(l), and "
        "differentiate (or let tf.GradientTape do it) at l = logit(d_fake)",
    )


# ----------------------------------------------------------------- lesson 02


def check_scaling(fn) -> bool:
    """Lesson 02: ``fn(uint8 images)`` must return float32 images in [-1, 1], 0 -> -1 and 255 -> 1.

    Introduced in lesson 02.
    """
    pixels = np.array([[[0, 127], [128, 255]]], dtype=np.uint8)
    got, error = _call(fn, pixels.copy())
    if error:
        return _report(False, error)
    want = pixels.astype(np.float64) / 127.5 - 1
    if got.size != want.size:
        return _report(False, f"keep one value per pixel: expected {want.size} values, got {got.size}")
    got = got.reshape(want.shape)
    if np.allclose(got, pixels / 255.0):
        return _report(
            False,
            "that is [0, 1]; the generator's tanh outputs [-1, 1], so real images must be "
            "in [-1, 1] too: x / 127.5 - 1",
        )
    if np.allclose(got, pixels):
        return _report(False, "the pixels are unchanged: convert to float and rescale to [-1, 1]")
    if not np.allclose(got, want, atol=1e-6):
        return _report(False, f"0 must map to -1 and 255 to 1; you gave {got.min():.3g} and {got.max():.3g}")
    dtype = np.asarray(fn(pixels.copy())).dtype
    if dtype != np.float32:
        return _report(False, f"the values are right but the dtype is {dtype}; TensorFlow layers want float32")
    return _report(True, "x / 127.5 - 1 maps [0, 255] onto [-1, 1], the range of tanh")


def check_discriminator_loss(fn) -> bool:
    """Lesson 02: ``fn(real_logits, fake_logits)`` must return the discriminator's BCE loss. Introduced in lesson 02."""
    import tensorflow as tf

    from gan_course.losses import discriminator_loss

    real = tf.constant([[2.0], [0.5], [-1.0]])
    fake = tf.constant([[-3.0], [0.0], [1.5]])
    value, error = _call(fn, real, fake)
    if error:
        return _report(False, error)
    got = float(value)
    want = float(discriminator_loss(real, fake))
    swapped = float(discriminator_loss(fake, real))
    if np.isclose(got, want, rtol=1e-5):
        return _report(True, f"{want:.4f}: real samples labelled 1, fakes 0, cross-entropy on logits")
    if np.isclose(got, swapped, rtol=1e-5):
        return _report(False, "labels swapped: real samples are the 1s, generated samples the 0s")
    if np.isclose(got, want / 2, rtol=1e-5):
        return _report(False, "you averaged the two terms; the course adds them (loss log 4 at D = 1/2)")
    from_probs = float(discriminator_loss(tf.sigmoid(real), tf.sigmoid(fake)))
    if np.isclose(got, from_probs, rtol=1e-5):
        return _report(False, "the inputs are logits already: do not apply a sigmoid before the cross-entropy")
    return _report(
        False,
        "use tf.nn.sigmoid_cross_entropy_with_logits (or softplus) with label 1 for "
        "real_logits and 0 for fake_logits, and add the two means",
    )


def check_parameter_count(n, z_dim: int = 100, hidden: int = 128, pixels: int = 784) -> bool:
    """Lesson 02: trainable parameters of the MLP generator (Dense(hidden) then Dense(pixels)).

    Introduced in lesson 02.
    """
    weights = z_dim * hidden + hidden * pixels
    want = weights + hidden + pixels
    values, error = _numbers(my_count=n)
    if error:
        return _report(False, error)
    n = values[0]
    if n == want:
        return _report(True, f"{z_dim}·{hidden} + {hidden} + {hidden}·{pixels} + {pixels} = {want}")
    if n == weights:
        return _report(False, "you counted the weights but not the biases (one per output unit)")
    if n == want + z_dim * pixels:
        return _report(False, "layers connect in sequence: z connects to the hidden layer only")
    return _report(False, "a Dense layer from a inputs to b outputs has a·b weights plus b biases; add the two layers")


# ----------------------------------------------------------------- lesson 03


def check_transposed_output_size(answer, size: int = 7, kernel: int = 5, stride: int = 2) -> bool:
    """Lesson 03: output height of Conv2DTranspose(kernel, strides=stride, padding="same") on size×size.

    Introduced in lesson 03.
    """
    values, error = _numbers(my_size=answer)
    if error:
        return _report(False, error)
    got, want = values[0], size * stride
    if got == want:
        return _report(
            True,
            f"with padding='same' a transposed convolution multiplies the size by the stride: "
            f"{size} × {stride} = {want}",
        )
    if got == (size - 1) * stride + kernel:
        return _report(False, "that is padding='valid': (n - 1)·stride + kernel; the DCGAN layers use 'same'")
    if got == size // stride or got == -(-size // stride):
        return _report(False, "that is an ordinary (downsampling) convolution; the transposed one goes up")
    return _report(False, "with padding='same', output size = input size × stride, whatever the kernel")


def check_conv_macs(answer, size: int = 14, c_in: int = 64, c_out: int = 128, kernel: int = 5, stride: int = 2) -> bool:
    """Lesson 03: multiply-adds of Conv2D(c_out, kernel, strides=stride, padding="same") on a size×size×c_in input.

    Introduced in lesson 03.
    """
    values, error = _numbers(my_macs=answer)
    if error:
        return _report(False, error)
    got = values[0]
    out = -(-size // stride)
    want = out * out * kernel * kernel * c_in * c_out
    if got == want:
        return _report(
            True, f"{out}·{out} output pixels × {kernel}·{kernel} kernel × {c_in} in × {c_out} out = {want:,}"
        )
    if got == size * size * kernel * kernel * c_in * c_out:
        return _report(False, f"count the *output* pixels: stride {stride} shrinks {size}×{size} to {out}×{out}")
    if got in (out * out * kernel * kernel * c_out, out * out * kernel * kernel * c_in):
        return _report(False, f"every output channel looks at every input channel: multiply by both {c_in} and {c_out}")
    if got == out * out * c_in * c_out:
        return _report(False, f"each output value needs one multiply-add per kernel position too ({kernel} × {kernel})")
    return _report(False, "output height × output width × kernel height × kernel width × C_in × C_out")


def check_slerp(fn) -> bool:
    """Lesson 03: ``fn(z0, z1, t)`` must return the spherical interpolation for a scalar t. Introduced in lesson 03."""
    from gan_course.latent import lerp, slerp

    rng = np.random.default_rng(3)
    z0, z1 = rng.normal(size=32), rng.normal(size=32)
    z1 *= np.linalg.norm(z0) / np.linalg.norm(z1)
    got, error = _call(fn, z0.copy(), z1.copy(), 0.3)
    if error:
        return _report(False, error)
    want = slerp(z0, z1, 0.3)
    if got.shape != want.shape:
        return _report(False, f"expected a vector of shape {want.shape}, got {got.shape}")
    if np.allclose(got, want, rtol=1e-4, atol=1e-5):
        return _report(True, "sin((1 - t)Ω)/sin Ω · z0 + sin(tΩ)/sin Ω · z1 keeps the norm along the path")
    if np.allclose(got, lerp(z0, z1, 0.3), rtol=1e-4):
        return _report(False, "that is the straight line (lerp); slerp follows the arc between z0 and z1")
    if np.allclose(got, slerp(z0, z1, 0.7), rtol=1e-4, atol=1e-5):
        return _report(False, "t runs from z0 (t = 0) to z1 (t = 1): the weights are swapped")
    return _report(
        False, "Ω = arccos(z0·z1 / (|z0||z1|)); weight z0 by sin((1 - t)Ω) and z1 by sin(tΩ), then divide by sin Ω"
    )


# ----------------------------------------------------------------- lesson 04


def check_high_quality_share(fn) -> bool:
    """Lesson 04: ``fn(samples, centers, std)`` should return (modes covered, high-quality share), threshold 3σ.

    Introduced in lesson 04.
    """
    from gan_course.metrics import mode_coverage

    rng = np.random.default_rng(4)
    centers = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    std = 0.01
    # 60 points near centres 0 and 1 (some beyond 3σ), 40 points far from every centre
    near = centers[rng.integers(2, size=60)] + rng.normal(scale=2.5 * std, size=(60, 2))
    samples = np.concatenate([near, rng.uniform(-0.5, 0.5, size=(40, 2))])
    truth = mode_coverage(samples, centers, std)
    answer, error = _call(fn, samples, centers, std)
    if error:
        return _report(False, error)
    try:
        modes, share = (float(v) for v in answer)
    except (TypeError, ValueError) as err:
        return _report(False, f"return a pair (modes covered, high-quality share); got {type(err).__name__}: {err}")
    if modes == truth.modes_covered and np.isclose(share, truth.high_quality_fraction, atol=1e-9):
        return _report(
            True,
            f"{truth.modes_covered} of 4 modes, {truth.high_quality_fraction:.0%} high-quality "
            "samples: the same as metrics.mode_coverage",
        )
    within_1std = mode_coverage(samples, centers, std, threshold=1.0)
    if np.isclose(share, within_1std.high_quality_fraction):
        return _report(
            False,
            "a sample is high quality within 3 standard deviations of its nearest centre, "
            "not within one: compare the distance with 3 * std",
        )
    if np.isclose(share, truth.high_quality_fraction * 100) and share > 1:
        return _report(False, "give the share as a fraction between 0 and 1, not a percentage")
    if modes == 4:
        return _report(
            False,
            "a mode counts as covered only if at least one *high-quality* sample is nearest "
            "to it; far-away samples cover nothing",
        )
    if modes != truth.modes_covered:
        return _report(
            False,
            f"modes covered should be {truth.modes_covered} here: count centres that are "
            "the nearest centre of some sample closer than 3 * std",
        )
    return _report(False, "the share is (number of high-quality samples) / (number of all samples)")


def check_pack(fn) -> bool:
    """Lesson 04: ``fn(x, m)`` should put m consecutive samples side by side, (n, d) -> (n / m, m·d).

    Introduced in lesson 04.
    """
    x = np.arange(24, dtype=np.float32).reshape(12, 2)
    expected = x.reshape(4, 6)
    out, error = _call(fn, x, 3)
    if error:
        return _report(False, error)
    if out.shape != expected.shape:
        return _report(
            False, f"12 samples of 2 numbers packed by 3 give shape (4, 6), got {out.shape}: reshape to (n // m, m * d)"
        )
    if np.array_equal(out, expected):
        return _report(True, "row i holds samples 3i, 3i+1, 3i+2 side by side: one pack, one D decision")
    if np.array_equal(np.sort(out.ravel()), np.sort(x.ravel())):
        return _report(
            False,
            "the numbers are all there but in the wrong places: each row must hold m "
            "*consecutive* samples, each sample's d coordinates kept together",
        )
    return _report(False, "packing only moves numbers around: no value should change")


def check_collapse_kl(one_mode, two_modes, k: int = 8) -> bool:
    """Lesson 04: KL(p ‖ uniform over k modes) when all samples sit on one mode, and on two modes equally.

    Introduced in lesson 04.
    """
    values, problem = _numbers(one_mode=one_mode, two_modes=two_modes)
    if problem:
        return _report(False, problem)
    a, b = values
    want_a, want_b = np.log(k), np.log(k / 2)
    if np.isclose(a, want_a) and np.isclose(b, want_b):
        return _report(
            True,
            f"log {k} = {want_a:.3f} and log {k / 2:g} = {want_b:.3f}: KL = log(k / modes used) "
            "when the used modes are equally filled",
        )
    if np.isclose(a, np.log2(k)) or np.isclose(b, np.log2(k / 2)):
        return _report(False, "metrics.mode_coverage uses natural logarithms: log, not log2")
    if np.isclose(a, -want_a) or np.isclose(b, -want_b):
        return _report(False, "KL is never negative: KL(p ‖ u) = Σ p log(p / u), with p in the numerator")
    if np.isclose(a, want_a):
        return _report(False, "one mode is right; with two modes p = 1/2 on each, so KL = 2 · ½ log((1/2) / (1/k))")
    return _report(
        False, f"KL(p ‖ u) = Σ p_i log(p_i / u_i) with u_i = 1/{k}; with all mass on one mode only one term is non-zero"
    )


# ----------------------------------------------------------------- lesson 05


def check_frechet_1d(fn) -> bool:
    """Lesson 05: ``fn(mu1, sigma1, mu2, sigma2)`` must return the Fréchet distance (squared, as in
    FID) between N(mu1, sigma1²) and N(mu2, sigma2²), where sigma1 and sigma2 are standard deviations.
    Introduced in lesson 05."""
    cases = [(0.0, 1.0, 1.0, 2.0), (3.0, 0.5, 1.0, 1.5), (-1.0, 2.0, 0.5, 0.25)]
    got, want = [], []
    for mu1, s1, mu2, s2 in cases:
        value, error = _call(fn, mu1, s1, mu2, s2)
        if error:
            return _report(False, error)
        if value.size != 1:
            return _report(False, f"return one number, got an array of shape {value.shape}")
        got.append(float(value))
        want.append((mu1 - mu2) ** 2 + (s1 - s2) ** 2)
    got, want = np.array(got), np.array(want)
    if np.allclose(got, want, rtol=1e-6):
        return _report(
            True,
            "(mu1 - mu2)² + sigma1² + sigma2² - 2·sigma1·sigma2 = (mu1 - mu2)² + (sigma1 - sigma2)²; "
            "N(0, 1) vs N(1, 4) gives 1 + 1 = 2",
        )
    mu_diff = np.array([(c[0] - c[2]) ** 2 for c in cases])
    s1, s2 = np.array([c[1] for c in cases]), np.array([c[3] for c in cases])
    if np.allclose(got, np.sqrt(want), rtol=1e-6):
        return _report(False, "FID is the *squared* Fréchet distance: do not take the square root at the end")
    if np.allclose(got, mu_diff + s1**2 + s2**2, rtol=1e-6):
        return _report(False, "you left out the cross term -2 Tr((Σ1 Σ2)^½), which in 1-D is -2·sigma1·sigma2")
    if np.allclose(got, mu_diff + s1 + s2 - 2 * np.sqrt(s1 * s2), rtol=1e-6):
        return _report(False, "sigma1 and sigma2 are standard deviations; the formula needs the variances sigma²")
    if np.allclose(got, np.sqrt(mu_diff) + (s1 - s2) ** 2, rtol=1e-6):
        return _report(False, "the covariance part is right; the mean part is |mu1 - mu2|², the squared difference")
    return _report(False, "write |mu1 - mu2|² + Tr(Σ1) + Tr(Σ2) - 2 Tr((Σ1 Σ2)^½) with Σ = sigma² (1×1 matrices)")


def check_fid_at_n(answer, n1: int, fid1: float, n2: int, fid2: float, n: int) -> bool:
    """Lesson 05: predict FID at ``n`` samples from FIDs at n1 and n2, with FID_N = FID_∞ + k/N.

    Introduced in lesson 05.
    """
    values, error = _numbers(my_fid=answer)
    if error:
        return _report(False, error)
    got = values[0]
    slope = (fid1 - fid2) / (1 / n1 - 1 / n2)
    fid_inf = fid1 - slope / n1
    want = fid_inf + slope / n
    if np.isclose(got, want, rtol=1e-3):
        return _report(True, f"k = {slope:.1f}, FID_∞ = {fid_inf:.2f}, so FID_{n} = FID_∞ + k/{n} = {want:.2f}")
    linear_in_n = fid1 + (fid2 - fid1) * (n - n1) / (n2 - n1)
    if np.isclose(got, linear_in_n, rtol=1e-3):
        return _report(False, "the bias falls like 1/N, not linearly in N: fit a line in x = 1/N")
    if np.isclose(got, fid_inf, rtol=1e-3):
        return _report(False, f"that is FID_∞ (N → ∞); add the bias k/N for N = {n}")
    if np.isclose(got, slope, rtol=1e-3):
        return _report(False, "that is the slope k; FID_N = FID_∞ + k/N")
    return _report(
        False,
        "two equations FID_1 = FID_∞ + k/N_1 and FID_2 = FID_∞ + k/N_2 give k and FID_∞; then evaluate FID_∞ + k/N",
    )


def check_low_metric(answer) -> bool:
    """Lesson 05: a generator that draws only perfect sneakers: which of precision and recall is low?

    Introduced in lesson 05.
    """
    if answer is None:
        return _report(False, '`my_answer` is still None: write "precision" or "recall"')
    text = str(answer).strip().lower()
    if text == "recall":
        return _report(
            True,
            "every sample lies on the real manifold (precision ≈ 1), but the samples "
            "cover one class of ten, so most real images have no generated neighbour: recall is low",
        )
    if text == "precision":
        return _report(
            False,
            "precision asks whether each *generated* image looks real; a perfect "
            "sneaker does. What about the real shirts and bags: is any generated image near them?",
        )
    return _report(False, f'answer "precision" or "recall", got {answer!r}')


# ----------------------------------------------------------------- lesson 06


def check_hinge_optimum(fn) -> bool:
    """Lesson 06: ``fn(p_data, p_g)`` must return the hinge discriminator's best output at each point.

    Pointwise D minimises ``p_data·relu(1 - D) + p_g·relu(1 + D)``: D* = 1 where p_data > p_g,
    -1 where p_data < p_g, anything in [-1, 1] where they are equal. Introduced in lesson 06.
    """
    x = np.linspace(-4, 8, 241)
    p_data, p_g = norm.pdf(x, 0, 1), norm.pdf(x, 3, 1.5)
    got, error = _call(fn, p_data.copy(), p_g.copy())
    if error:
        return _report(False, error)
    if got.shape != x.shape:
        return _report(False, f"return one value per point, shape {x.shape}; got shape {got.shape}")
    want = np.sign(p_data - p_g)
    clear = ~np.isclose(p_data, p_g, rtol=1e-6, atol=1e-12)
    if np.allclose(got[clear], want[clear]) and np.all(np.abs(got[~clear]) <= 1):
        return _report(
            True,
            "D* = +1 where data are likelier, -1 where fakes are: only the sign of p_data - p_g matters, "
            "so unlike the BCE discriminator the hinge D says nothing about how much likelier",
        )
    if np.allclose(got[clear], (p_data / (p_data + p_g))[clear], atol=1e-6):
        return _report(False, "that is the BCE discriminator's optimum; minimise p_data·relu(1 - D) + p_g·relu(1 + D)")
    if np.allclose(got[clear], -want[clear]):
        return _report(False, "the sign is swapped: D should score real-looking points high (+1)")
    if np.allclose(got[clear], (p_data - p_g)[clear]):
        return _report(False, "the loss is piecewise linear in D: its minimum sits at a corner, D = -1 or D = +1")
    return _report(
        False,
        "for D in [-1, 1] the loss is p_data + p_g + D·(p_g - p_data): a straight line in D; which end is lower?",
    )


def check_ema_weight(answer, decay: float = 0.999, steps: int = 1000) -> bool:
    """Lesson 06: the weight a moving average with ``decay`` still gives its start after ``steps`` updates.

    Introduced in lesson 06.
    """
    values, error = _numbers(my_weight=answer)
    if error:
        return _report(False, error)
    (got,) = values
    want = decay**steps
    if np.isclose(got, want, rtol=1e-3):
        return _report(
            True,
            f"{decay}^{steps} = {want:.3f}: after {steps} steps the average still holds {want:.0%} of the "
            "untrained generator, so sample from it only once training has run several times 1/(1 - decay) steps",
        )
    if np.isclose(got, 1 - want, rtol=1e-3):
        return _report(False, "that is the weight of all the updates together; the start keeps the rest")
    if np.isclose(got, (1 - decay) ** steps, rtol=1e-3) or np.isclose(got, 1 - decay, rtol=1e-3):
        return _report(
            False, "each update keeps `decay` of the old average: the start is multiplied by decay each time"
        )
    if np.isclose(got, decay * steps, rtol=1e-3) or np.isclose(got, 1 - steps * (1 - decay), rtol=1e-3):
        return _report(False, "the start's weight is multiplied by decay at every step: a power, not a product")
    return _report(False, "after one update the start keeps `decay` of its weight; after two, decay²; after k?")


# ----------------------------------------------------------------- lesson 07


def check_projection_logit(fn) -> bool:
    """Lesson 07: ``fn(phi, w, b, embedding, y)`` must return the projection discriminator's logits.

    phi (N, d) are D's features of N images, w (d,) and b the unconditional head, embedding
    (n_classes, d) one row per class, y (N,) the class indices: D(x, y) = w·phi + b + e_y·phi,
    shape (N,) or (N, 1). Introduced in lesson 07.
    """
    rng = np.random.default_rng(7)
    n, d, k = 6, 5, 3
    phi, w, b = rng.normal(size=(n, d)), rng.normal(size=d), 0.3
    embedding = rng.normal(size=(k, d))
    y = np.array([0, 2, 1, 2, 0, 1])
    got, error = _call(fn, phi.copy(), w.copy(), b, embedding.copy(), y.copy())
    if error:
        return _report(False, error)
    if got.shape == (n, n):
        return _report(
            False,
            f"you paired every image with every label, shape {got.shape}: image i needs only row y[i] of the "
            "embedding, embedding[y], multiplied with phi element by element and summed over the features",
        )
    if got.shape == (n, k):
        return _report(
            False,
            f"that is every class's score for every image (phi @ embedding.T), shape {got.shape}: keep only the "
            "class asked for, row y[i] of the embedding for image i",
        )
    if got.size != n:
        return _report(False, f"return one logit per image, shape ({n},) or ({n}, 1); got shape {got.shape}")
    got = got.reshape(n)
    unconditional = phi @ w + b
    projection = np.sum(embedding[y] * phi, axis=1)
    if np.allclose(got, unconditional + projection, rtol=1e-5, atol=1e-8):
        return _report(
            True,
            "D(x, y) = w·φ(x) + b + e_y·φ(x): the first terms ask whether x looks real at all, the last whether it "
            "looks like class y; conditional_lean_discriminator(mode='projection') computes exactly this",
        )
    if np.allclose(got, phi @ w + projection, rtol=1e-5):
        return _report(False, "almost: add the bias b of the unconditional head")
    if np.allclose(got, projection, rtol=1e-5) or np.allclose(got, projection + b, rtol=1e-5):
        return _report(
            False,
            "keep the unconditional term w·φ(x) + b: without it D can only say whether x fits class y, "
            "not whether x looks real",
        )
    if np.allclose(got, unconditional, rtol=1e-5):
        return _report(False, "the label is missing: add e_y·φ(x), row y of the embedding dotted with φ(x)")
    if np.allclose(got, unconditional + (phi @ embedding.T).sum(axis=1), rtol=1e-5):
        return _report(False, "you added every class's term: use only the row of the class asked for, embedding[y]")
    if np.allclose(got, unconditional - projection, rtol=1e-5):
        return _report(False, "the sign of the projection term: D(x, y) adds e_y·φ(x)")
    return _report(
        False,
        "compute w·φ(x) + b for each image (phi @ w + b), then add the dot product of φ(x) with row y of the "
        "embedding: np.sum(embedding[y] * phi, axis=1)",
    )


def check_label_parameters(
    one_hot, embedding, n_classes: int = 10, embed_dim: int = 50, units: int = 7 * 7 * 64, z_dim: int = 100
) -> bool:
    """Lesson 07: parameters a label adds to the conditional lean generator, as a one-hot vector and
    as ``Embedding(n_classes, embed_dim)``.

    The label is joined to z before the first ``Dense(units, use_bias=False)`` layer (units =
    7·7·64 for the lean generator), so a one-hot label adds n_classes·units weights and an embedding
    adds its table, n_classes·embed_dim, plus embed_dim·units. Introduced in lesson 07.
    """
    values, error = _numbers(my_one_hot=one_hot, my_embedding=embedding)
    if error:
        return _report(False, error)
    got_oh, got_emb = values
    want_oh = n_classes * units
    want_emb = n_classes * embed_dim + embed_dim * units
    if got_oh == want_oh and got_emb == want_emb:
        default = n_classes * n_classes + n_classes * units
        return _report(
            True,
            f"one-hot {want_oh:,}, Embedding({n_classes}, {embed_dim}) {want_emb:,}. A label takes only "
            f"{n_classes} values, so whatever its size, all it can add to the first layer is {n_classes} vectors "
            f"of {units}: {want_oh:,} numbers. The larger embedding costs {want_emb / want_oh:.1f} times as much "
            f"and can express nothing more; the package's default, embed_dim = n_classes, costs {default:,}",
        )
    if got_oh == want_emb and got_emb == want_oh:
        return _report(False, "the two answers are swapped: which design has a table of its own?")
    if got_oh == (z_dim + n_classes) * units or got_emb == (z_dim + embed_dim) * units + n_classes * embed_dim:
        return _report(
            False,
            f"count only what the label adds: z's {z_dim}·{units} weights are there without a label too",
        )
    if got_oh == want_oh + units or got_emb == want_emb + units:
        return _report(
            False,
            "this Dense layer has no bias (use_bias=False, BatchNorm follows), and a bias would not grow with "
            "the label anyway",
        )
    if got_oh != want_oh:
        if got_oh in (0, n_classes):
            return _report(
                False,
                f"a one-hot vector has no parameters of its own, but each of its {n_classes} entries is one more "
                f"input of the first Dense layer, with {units} weights",
            )
        return _report(
            False,
            f"a Dense layer from a inputs to b outputs has a·b weights; a one-hot label adds {n_classes} inputs "
            f"to G's first Dense layer, which has {units} outputs",
        )
    if got_emb == embed_dim * units:
        return _report(False, f"add the embedding table itself: {n_classes} rows of {embed_dim} numbers")
    if got_emb == n_classes * embed_dim:
        return _report(
            False,
            f"the table is only the start: its {embed_dim} outputs each connect to all {units} units of the "
            "first Dense layer",
        )
    return _report(
        False,
        f"Embedding({n_classes}, {embed_dim}) holds a table of {n_classes}·{embed_dim} numbers and adds "
        f"{embed_dim} inputs to the first Dense layer ({units} outputs): add the two",
    )


def check_ignored_label_fidelity(all_classes, only_sneakers, n_classes: int = 10, accuracy: float = 0.913) -> bool:
    """Lesson 07: the class fidelity of a generator that ignores its label, every class requested equally often.

    ``all_classes``: it draws every class equally often; ``only_sneakers``: it draws one class only.
    Both are 1 / n_classes: P(drawn = requested) = Σ_k P(requested k)·P(drawn k) = (1/n)·Σ_k P(drawn k).
    ``accuracy`` is the classifier's accuracy on real images, for the hint. Introduced in lesson 07.
    """
    values, error = _numbers(my_all_classes=all_classes, my_only_sneakers=only_sneakers)
    if error:
        return _report(False, error)
    want = 1 / n_classes
    close = lambda v, target: np.isclose(v, target, rtol=0.02, atol=1e-9)
    got_all, got_one = values
    if close(got_all, want) and close(got_one, want):
        return _report(
            True,
            f"{want:.0%} both times: P(drawn = requested) = Σ_k P(requested k)·P(drawn k) = (1/{n_classes})·Σ_k "
            f"P(drawn k) = 1/{n_classes}, whatever G draws and whatever the classifier gets wrong. Its samples "
            "may still be perfect and its FID as good as any: FID compares p_g(x) with p_data(x), and only a "
            "score that looks at the label can catch this generator",
        )
    if any(close(v, 100 * want) for v in values):
        return _report(False, "give the share as a fraction between 0 and 1 (0.25 for 25 %), not a percentage")
    if any(close(v, accuracy) for v in values):
        return _report(
            False,
            "that is the classifier's accuracy on real images, the most a *perfect* generator can expect; "
            "this one does not even try",
        )
    if got_one == 0:
        return _report(
            False,
            f"the requests for sneakers, one in {n_classes}, are all met by a generator that draws only sneakers",
        )
    if got_all == 0:
        return _report(
            False, "it cannot miss every time: whatever it draws is, now and then, the class that was asked for"
        )
    if got_one == 1 or got_all == 1:
        return _report(
            False,
            "class fidelity asks whether an image is the class that was *requested*, not whether it is a good image",
        )
    if any(close(v, want**2) for v in values):
        return _report(
            False,
            f"that is one class's term, P(asked k)·P(drew k) = 1/{n_classes}²; add the terms of all "
            f"{n_classes} classes",
        )
    return _report(
        False,
        "the image does not depend on the request: P(drawn = requested) = Σ_k P(requested k)·P(drawn k), with "
        f"P(requested k) = 1/{n_classes} for every k",
    )


# ----------------------------------------------------------------- lesson 08


def check_overfitting_signals(fn) -> bool:
    """Lesson 08: ``fn(train_logits, heldout_logits)`` must return ADA's r_t and D's train / held-out gap.

    r_t = mean(sign(train_logits)); gap = mean(sigmoid(train_logits)) - mean(sigmoid(heldout_logits)),
    as ``transfer.DiscriminatorOverfitting`` logs them for a BCE loss. Introduced in lesson 08.
    """
    train = np.array([2.0, 1.0, -0.5, 3.0, 0.1, -2.0, 4.0, 0.0, 1.5, 2.5])
    heldout = np.array([0.5, -1.0, -0.2, 1.0, -3.0, 0.3, 0.0, -0.7])
    got, error = _call(fn, train.copy(), heldout.copy())
    if error:
        return _report(False, error)
    if got.size != 2:
        return _report(False, f"return two numbers, r_t and the gap; got {got.size} value(s)")
    rt, gap = (float(v) for v in got.reshape(-1))
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    want_rt = float(np.mean(np.sign(train)))
    want_gap = float(np.mean(sigmoid(train)) - np.mean(sigmoid(heldout)))
    close = lambda a, b: np.isclose(a, b, rtol=1e-6, atol=1e-9)  # noqa: E731
    rt_ok, gap_ok = close(rt, want_rt), close(gap, want_gap)
    if rt_ok and gap_ok:
        return _report(
            True,
            f"r_t = {want_rt:.2f}, gap = {want_gap:.3f}. r_t counts D's votes, not its confidence: one logit of +4 "
            "weighs no more than +0.1. The gap compares D's outputs on real images only, so it grows when D "
            "has learned *which* real images it trained on, not what real images look like",
        )
    if not rt_ok:
        if close(rt, np.mean(train > 0)) or close(rt, np.mean(train >= 0)):
            return _report(False, "that is the share of positive logits; sign() also counts each negative one as -1")
        if close(rt, np.mean(sigmoid(train))):
            return _report(False, "r_t takes the sign of each logit, not the probability sigmoid(logit)")
        if close(rt, np.mean(train)):
            return _report(False, "r_t averages the *sign* of each logit (+1, 0 or -1), not the logit itself")
        if close(rt, np.mean(np.sign(np.concatenate([train, heldout])))):
            return _report(False, "r_t uses D's outputs on its training images only")
        return _report(False, "r_t = the mean of np.sign(train_logits)")
    if close(gap, -want_gap):
        return _report(False, "the gap is train minus held-out: positive when D favours its own training images")
    if close(gap, np.mean(train) - np.mean(heldout)):
        return _report(False, "read the logits as probabilities first: sigmoid(logit), then average")
    if close(gap, sigmoid(np.mean(train)) - sigmoid(np.mean(heldout))):
        return _report(False, "average the probabilities, not the logits: mean(sigmoid(l)), not sigmoid(mean(l))")
    return _report(False, "gap = mean(sigmoid(train_logits)) - mean(sigmoid(heldout_logits))")


def check_freezed_parameters(frozen, training, channels: int = 1, widths=(32, 64), kernel: int = 4) -> bool:
    """Lesson 08: parameters of the lean discriminator that ``freeze_lower_blocks(d, 1)`` freezes, and the rest.

    The first convolution (kernel·kernel·channels·widths[0] weights plus widths[0] biases) is frozen;
    the second convolution and the Dense head on the 7·7·widths[1] features still train.
    Introduced in lesson 08.
    """
    values, error = _numbers(my_frozen=frozen, my_training=training)
    if error:
        return _report(False, error)
    got_frozen, got_training = values
    first = kernel * kernel * channels * widths[0] + widths[0]
    second = kernel * kernel * widths[0] * widths[1] + widths[1]
    head = 7 * 7 * widths[1] + 1
    if got_frozen == first and got_training == second + head:
        return _report(
            True,
            f"{first:,} frozen, {second + head:,} training: FreezeD keeps only {first / (first + second + head):.1%} "
            "of this D fixed. The first layer's filters (edges, blobs) carry over between domains; in a deeper D "
            "one freezes more blocks, and the share grows",
        )
    if got_frozen == second + head and got_training == first:
        return _report(False, "the two answers are swapped: the *first* convolution is frozen, the rest trains")
    if got_frozen == first - widths[0] or got_training == second + head - widths[1] - 1:
        return _report(False, "count the biases too: one per output channel of each convolution, one for the Dense")
    if got_frozen == first + second:
        return _report(False, "k = 1 freezes one convolution, the first; the second still trains")
    if got_frozen == second:
        return _report(False, "the frozen block is the first convolution (on the image), not the second")
    if got_frozen != first:
        return _report(
            False,
            f"a Conv2D with a {kernel}x{kernel} kernel from C_in to C_out channels has {kernel}·{kernel}·C_in·C_out "
            "weights plus C_out biases; the first has C_in = 1",
        )
    return _report(
        False,
        f"the rest: the second convolution ({widths[0]} -> {widths[1]} channels) and the Dense head on the "
        f"flattened 7·7·{widths[1]} features, each with biases",
    )


# ----------------------------------------------------------------- lesson 09

#: Exercise 1's networks: G 64 -> Dense(256) -> LeakyReLU -> Dense(784, tanh) -> (28, 28, 1); D the mirror image.
_SETUP_Z_DIM = 64
_SETUP_G_PARAMS = 64 * 256 + 256 + 256 * 784 + 784
_SETUP_D_PARAMS = 784 * 256 + 256 + 256 + 1


def _setup_pixels() -> np.ndarray:
    pixels = np.random.default_rng(9).integers(0, 256, size=(64, 28, 28, 1)).astype(np.uint8)
    pixels[0, 0, 0, 0], pixels[0, 0, 1, 0] = 0, 255
    return pixels


def check_clinic_setup(fn) -> bool:
    """Lesson 09, exercise 1: ``fn(pixels)`` repairs a broken GAN setup.

    ``pixels`` are uint8 images (N, 28, 28, 1) in [0, 255]; ``fn`` must return
    ``(generator, discriminator, images, loss, d_optimizer, g_optimizer)`` for the exercise's MLP GAN
    (z of 64 numbers, one hidden layer of 256 units in each network), with the same layer sizes, the
    images as the networks will be trained on them, and ``clinic.diagnose`` finding nothing.
    Introduced in lesson 09.
    """
    import keras

    from gan_course.clinic import diagnose

    pixels = _setup_pixels()
    if fn is None:
        return _report(False, "you passed None: define your function (def my_...(...): ...) and pass it by name")
    if not callable(fn):
        return _report(False, f"expected a function, got {type(fn).__name__} {fn!r}")
    try:
        result = fn(pixels.copy())
    except Exception as err:  # noqa: BLE001 - the learner's code may fail in any way
        return _report(False, f"your function raised {type(err).__name__}: {err}")
    if result is None:
        return _report(False, "your function returned None: did you forget `return`?")
    if not isinstance(result, (tuple, list)) or len(result) != 6:
        return _report(
            False, "return six things, in this order: generator, discriminator, images, loss, d_optimizer, g_optimizer"
        )
    generator, discriminator, images, loss, d_optimizer, g_optimizer = result
    for name, model in (("generator", generator), ("discriminator", discriminator)):
        if not isinstance(model, keras.Model):
            return _report(False, f"the {name} must be a keras.Model, got {type(model).__name__}")
    if d_optimizer is None or g_optimizer is None:
        return _report(False, "return both optimizers: diagnose reads their settings, and training needs them")
    try:
        arr = np.asarray(images, dtype=np.float64)
    except (TypeError, ValueError):
        return _report(False, f"images must be an array of images, got {type(images).__name__}")
    if arr.shape != pixels.shape:
        return _report(False, f"return the given images, rescaled: shape {pixels.shape}, got {arr.shape}")
    raw = pixels.astype(np.float64)
    if not np.allclose(arr, raw / 127.5 - 1.0, atol=1e-4):
        if np.allclose(arr, raw / 255.0, atol=1e-4):
            hint = "the images are still in [0, 1] (x / 255), and G's tanh makes [-1, 1]: scale them with x / 127.5 - 1"
        elif np.allclose(arr, raw, atol=1e-4):
            hint = "these are the raw pixels in [0, 255]: scale them with x / 127.5 - 1"
        elif np.allclose(arr, 1.0 - raw / 127.5, atol=1e-4):
            hint = "the sign is flipped (255 became -1): x / 127.5 - 1 maps 0 to -1 and 255 to 1"
        else:
            hint = "scale the given pixels so that 0 becomes -1 and 255 becomes 1: x / 127.5 - 1"
        return _report(False, hint)
    z_dim = generator.inputs[0].shape[-1] if getattr(generator, "inputs", None) else None
    if (
        z_dim != _SETUP_Z_DIM
        or generator.count_params() != _SETUP_G_PARAMS
        or discriminator.count_params() != _SETUP_D_PARAMS
    ):
        return _report(
            False,
            "keep the networks' sizes (z of 64 numbers, one hidden layer of 256 units each) and change only what "
            "diagnose reports: an output activation is not a layer with weights",
        )
    try:
        report = diagnose(
            generator, discriminator, arr.astype(np.float32), loss, d_optimizer=d_optimizer, g_optimizer=g_optimizer
        )
    except ValueError as err:
        return _report(False, f"diagnose refused the setup: {err}")
    if report.findings:
        order = ("error", "warning", "info")
        first = sorted(report.findings, key=lambda f: order.index(f.severity))[0]
        more = f" (and {len(report.findings) - 1} more)" if len(report.findings) > 1 else ""
        return _report(False, f"diagnose still finds {first.check}{more}: {first.found}. Fix: {first.fix}")
    return _report(
        True,
        "diagnose finds nothing: the images fill G's [-1, 1], D hands a logit to a loss on logits, and each "
        "network has its own optimizer with settings known to work",
    )


def _step_networks():
    """Two tiny networks with fixed weights (no BatchNorm or dropout: training= changes nothing)."""
    import keras
    from keras import layers

    init = keras.initializers.GlorotUniform
    generator = keras.Sequential(
        [
            keras.Input((4,)),
            layers.Dense(6, activation="tanh", kernel_initializer=init(seed=1)),
            layers.Dense(8, activation="tanh", kernel_initializer=init(seed=2), bias_initializer="ones"),
            layers.Reshape((2, 2, 2)),
        ]
    )
    discriminator = keras.Sequential(
        [
            keras.Input((2, 2, 2)),
            layers.Flatten(),
            layers.Dense(6, kernel_initializer=init(seed=3), bias_initializer="ones"),
            layers.LeakyReLU(negative_slope=0.2),
            layers.Dense(1, kernel_initializer=init(seed=4)),
        ]
    )
    return generator, discriminator


def _flat(variables) -> np.ndarray:
    return np.concatenate([np.ravel(np.asarray(v)) for v in variables])


def check_gan_step(fn) -> bool:
    """Lesson 09, exercise 2: ``fn(generator, discriminator, d_optimizer, g_optimizer, real, z)`` is one GAN step.

    D's logits, binary cross-entropy on logits: D's update must lower softplus(-D(x)) + softplus(D(G(z)))
    (real -> 1, fake -> 0), G's must lower -log sigmoid(D(G(z))) (the non-saturating loss) and change G only;
    G's gradient may be taken before or after D's update. ``fn`` returns ``(d_loss, g_loss)``. The check runs
    it once on two tiny networks with plain SGD and compares every weight with the step done right.
    Introduced in lesson 09.
    """
    import keras
    import tensorflow as tf

    if fn is None:
        return _report(False, "you passed None: define your function (def my_...(...): ...) and pass it by name")
    if not callable(fn):
        return _report(False, f"expected a function, got {type(fn).__name__} {fn!r}")
    lr = 0.5
    rng = np.random.default_rng(5)
    real = tf.constant(rng.uniform(-1, 1, (8, 2, 2, 2)), tf.float32)
    z = tf.constant(rng.normal(size=(8, 4)), tf.float32)
    bce = keras.losses.BinaryCrossentropy(from_logits=True)

    # the reference, on networks of their own
    g, d = _step_networks()
    g0, d0 = _flat(g.trainable_variables), _flat(d.trainable_variables)

    def d_grads(real_label, fake_label):
        with tf.GradientTape() as tape:
            fake_logits, real_logits = d(g(z)), d(real)
            loss = bce(tf.fill(tf.shape(real_logits), real_label), real_logits) + bce(
                tf.fill(tf.shape(fake_logits), fake_label), fake_logits
            )
        return loss, _flat(tape.gradient(loss, d.trainable_variables))

    def g_side(loss_of):
        with tf.GradientTape(persistent=True) as tape:
            loss = loss_of(d(g(z)))
        return (_flat(tape.gradient(loss, g.trainable_variables)), _flat(tape.gradient(loss, d.trainable_variables)))

    def non_saturating(logits):
        return bce(tf.ones_like(logits), logits)

    def minimax(logits):
        return -bce(tf.zeros_like(logits), logits)

    d_loss_right, grad_d = d_grads(1.0, 0.0)
    _, grad_d_swapped = d_grads(0.0, 1.0)
    grad_g, grad_d_from_g = g_side(non_saturating)
    grad_g_minimax, _ = g_side(minimax)
    sizes = np.cumsum([v.numpy().size for v in d.trainable_variables])[:-1]
    for variable, step in zip(d.trainable_variables, np.split(-lr * grad_d, sizes)):
        variable.assign(variable.numpy() + step.reshape(variable.shape))
    grad_g_after, _ = g_side(non_saturating)  # G's gradient through the D that has taken its step

    # the learner's step, on fresh copies
    g, d = _step_networks()
    try:
        result = fn(g, d, keras.optimizers.SGD(lr), keras.optimizers.SGD(lr), real, z)
    except Exception as err:  # noqa: BLE001 - the learner's code may fail in any way
        return _report(False, f"your function raised {type(err).__name__}: {err}")
    if result is None:
        return _report(False, "your function returned None: did you forget `return`?")
    d_change, g_change = _flat(d.trainable_variables) - d0, _flat(g.trainable_variables) - g0

    def same(a, b):
        return np.allclose(a, b, rtol=1e-4, atol=1e-6)

    if same(d_change, 0):
        return _report(
            False, "D did not change: apply D's gradients to discriminator.trainable_variables with d_optimizer"
        )
    if same(d_change, -lr * (grad_d + grad_d_from_g)) or same(d_change, -lr * (grad_d_swapped + grad_d_from_g)):
        return _report(
            False,
            "G's update also moved D, towards calling the fakes real (a combined model that is not frozen, in tape "
            "form): apply G's gradients to generator.trainable_variables only",
        )
    if same(d_change, -lr * grad_d_swapped):
        return _report(False, "D's labels are swapped: D's loss must push real images towards 1 and fakes towards 0")
    if same(d_change, lr * grad_d):
        return _report(False, "D climbs its loss: apply the gradient of the loss itself (the optimizer subtracts it)")
    if not same(d_change, -lr * grad_d):
        return _report(
            False,
            "D's update is not the step on bce(1, D(x)) + bce(0, D(G(z))) for the given real batch and z: use the z "
            "you are given, and the loss on D's logits (from_logits=True)",
        )
    if same(g_change, 0):
        return _report(False, "G did not change: apply G's gradients to generator.trainable_variables with g_optimizer")
    if same(g_change, -lr * grad_g_minimax):
        return _report(
            False,
            "that is the minimax loss log(1 - D(G(z))), which saturates when D rejects the fakes (lesson 01): "
            "use the non-saturating loss, bce(1, D(G(z)))",
        )
    if same(g_change, lr * grad_g) or same(g_change, lr * grad_g_after):
        return _report(False, "G climbs its loss: apply the gradient of G's loss itself")
    if not (same(g_change, -lr * grad_g) or same(g_change, -lr * grad_g_after)):
        return _report(False, "G's update is not the step on bce(1, D(G(z))) for the given z")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return _report(False, "the weights are right; now return the two losses, (d_loss, g_loss)")
    values, error = _numbers(d_loss=result[0], g_loss=result[1])
    if error:
        return _report(False, error)
    if not np.isclose(values[0], float(d_loss_right), rtol=1e-4):
        return _report(False, "the weights are right; return D's loss as computed before its update")
    return _report(
        True,
        "D learns real -> 1 and fake -> 0, and G's loss changes G only: each tape's gradients go to its own network",
    )


def check_generator_start(answer, size: int = 48, upsamplings: int = 3) -> bool:
    """Lesson 09, exercise 3: the side of G's first feature map when ``upsamplings`` stride-2 layers make ``size``.

    Introduced in lesson 09.
    """
    values, error = _numbers(my_start=answer)
    if error:
        return _report(False, error)
    (got,) = values
    want = size / 2**upsamplings
    if np.isclose(got, want):
        return _report(
            True,
            f"{size} / 2^{upsamplings} = {want:g}: Reshape(({want:g}, {want:g}, channels)); every stride-2 layer "
            "doubles the side",
        )
    if np.isclose(got, size / 2 ** (upsamplings - 1)) or np.isclose(got, size / 2 ** (upsamplings + 1)):
        return _report(False, f"count the stride-2 layers again: there are {upsamplings}, each doubles the side")
    if np.isclose(got, size / upsamplings) or np.isclose(got, size - 2 * upsamplings):
        return _report(False, "a stride-2 layer doubles the side (×2 each time), it does not add to it")
    if np.isclose(got, 4):
        return _report(False, f"seed 001's 4×4 gives 4 × 2^{upsamplings} = {4 * 2**upsamplings}, not {size}")
    return _report(False, f"each stride-2 layer doubles the side: start × 2^{upsamplings} must equal {size}")


# ----------------------------------------------------------------- lesson 10


def check_replica_loss(fn) -> bool:
    """Lesson 10, exercise 1: ``fn(per_example_losses, global_batch_size)``, the loss one replica minimises.

    Every replica gets its share of the global batch and the optimizer adds the replicas' gradients,
    so the replicas' losses must add up to the mean over the whole global batch, for any split: the
    shares need not be equal (the last batch of an epoch). Checked on a global batch of 12 split
    6 + 6 and of 10 split 4 + 3 + 3. Introduced in lesson 10.
    """
    rng = np.random.default_rng(10)
    cases = []
    for sizes in ((6, 6), (4, 3, 3)):
        losses = rng.uniform(0.1, 2.0, sum(sizes))
        shares = np.split(losses, np.cumsum(sizes)[:-1])
        cases.append((losses, shares))
    totals = []
    for losses, shares in cases:
        total = 0.0
        for share in shares:
            got, error = _call(fn, share.copy(), len(losses))
            if error:
                return _report(False, error)
            if got.size != 1:
                return _report(False, f"return one number per replica (a scalar), got an array of shape {got.shape}")
            total += float(got)
        totals.append(total)
    (even, uneven) = totals
    (even_losses, even_shares), (uneven_losses, uneven_shares) = cases
    if np.isclose(even, even_losses.mean()) and np.isclose(uneven, uneven_losses.mean()):
        return _report(
            True,
            "each replica sums its own losses and divides by the *global* batch, so the replicas' losses add up to "
            "the global mean for any split: TensorFlow's tf.nn.compute_average_loss does exactly this",
        )
    if np.isclose(uneven, sum(s.mean() / len(uneven_shares) for s in uneven_shares)) and np.isclose(
        even, even_losses.mean()
    ):
        return _report(
            False,
            "right when the shares are equal (6 + 6), wrong for 4 + 3 + 3: the mean of 4 losses divided by 3 "
            "weighs those 4 examples less than the others. Divide the sum by the global batch instead",
        )
    if np.isclose(even, sum(s.mean() for s in even_shares)):
        return _report(
            False,
            "each replica returns its own mean, and the replicas' gradients are added: with R replicas the step is R "
            "times too large. Scale so that the replicas' losses add up to the global mean",
        )
    if np.isclose(even, even_losses.sum()):
        return _report(False, "that is the sum of the losses: divide by the global batch size")
    return _report(False, "the replicas' losses must add up to the mean over the global batch, however it is split")


def _lean_step_macs(width: int, size: int) -> int:
    from gan_course import models

    g = models.dcgan_lean_generator(100, (size, size, 1), width=width)
    d = models.dcgan_lean_discriminator((size, size, 1), width=width)
    return models.step_macs(g, d)


def check_cost_prediction(answer, measured_rate, width: int = 128, base_width: int = 64, size: int = 28) -> bool:
    """Lesson 10, exercise 2: predict the lean DCGAN's training images/s at ``width`` from ``measured_rate``
    (images/s measured at ``base_width``), with the lesson's cost model: a step costs
    ``models.step_macs`` multiply-adds per image, and time is proportional to multiply-adds.

    Introduced in lesson 10.
    """
    values, error = _numbers(my_rate=answer, measured_rate=measured_rate)
    if error:
        return _report(False, error)
    got, rate = values
    base, new = _lean_step_macs(base_width, size), _lean_step_macs(width, size)
    want = rate * base / new
    if np.isclose(got, want, rtol=0.01):
        return _report(
            True,
            f"a step costs {base / 1e6:.1f} M multiply-adds per image at width {base_width} and {new / 1e6:.1f} M at "
            f"width {width}, so {rate:.0f} × {base / new:.3f} = {want:.0f} images/s. Now measure it: the model is "
            "right only if the CPU is as efficient on the wider layers",
        )
    from gan_course import models

    def forward(w):
        return models.forward_macs(models.dcgan_lean_generator(100, (size, size, 1), width=w)) + models.forward_macs(
            models.dcgan_lean_discriminator((size, size, 1), width=w)
        )

    if np.isclose(got, rate * forward(base_width) / forward(width), rtol=0.01):
        passes = models.STEP_PASSES
        return _report(
            False,
            "you weighed G and D equally (one forward pass each); a training step runs G about "
            f"{passes['generator']} and D about {passes['discriminator']} forward passes' worth per image",
        )
    if np.isclose(got, rate * base_width / width, rtol=0.01) or np.isclose(got, rate * (base_width / width) ** 2):
        return _report(
            False,
            "not every layer grows alike: a convolution's cost grows with C_in × C_out, but the first D layer has one "
            "input channel and G's last one output channel. Count the multiply-adds with models.forward_macs",
        )
    if np.isclose(got, rate * new / base, rtol=0.01):
        return _report(False, "more multiply-adds per image means *fewer* images per second: divide, do not multiply")
    return _report(
        False,
        "build both models with models.dcgan_lean_generator / dcgan_lean_discriminator(width=...), count "
        "4 G + 8 D multiply-adds with models.forward_macs, and scale the measured rate by their ratio",
    )


# ----------------------------------------------------------------- worked solutions


def solution(lesson: int, n: int):
    """Print the worked solution of exercise ``n`` of lesson ``lesson`` and return its answer.

    Try the exercise first: the check's hints are made for the usual mistakes. For a checked exercise
    this prints the reasoning and the code, and returns what the lesson's ``check_*`` call takes (a
    function, a number, or a tuple for a check that takes two numbers), so that, for instance,
    ``check_pack(solution(4, 2))`` passes. For an open exercise, which has no single answer, it prints
    code to run in the lesson and what to look at in the result, and returns None. ``lesson`` and
    ``n`` are ints, e.g. ``solution(4, 2)`` for lesson 04, exercise 2; any other pair raises a
    ValueError that lists every lesson's exercise numbers. The solutions live in
    ``gan_course.solutions``. Introduced in lesson 01.
    """
    from gan_course.solutions import get

    found = get(lesson, n)
    print(found.render())
    return found.value()
