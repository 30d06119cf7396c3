"""Each check accepts a right answer and gives the specific hint for each typical wrong one."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers

from gan_course import exercises as ex
from gan_course import losses


def _verdict(capsys, ok, result, hint):
    out = capsys.readouterr().out
    assert result is ok, out
    assert out.startswith("Correct" if ok else "Not yet")
    assert hint in out, out


def test_check_optimal_discriminator(capsys):
    safe = lambda p, q: np.divide(p, p + q, out=np.full_like(p, 0.5), where=(p + q) > 0)
    _verdict(capsys, True, ex.check_optimal_discriminator(safe), "p_data / (p_data + p_g)")
    _verdict(capsys, False, ex.check_optimal_discriminator(lambda p, q: 1 - safe(p, q)), "*real* density")
    with np.errstate(all="ignore"):
        _verdict(capsys, False, ex.check_optimal_discriminator(lambda p, q: p / (p + q)), "0/0")
        _verdict(capsys, False, ex.check_optimal_discriminator(lambda p, q: p / q), "divide p_data by p_data + p_g")
    _verdict(capsys, False, ex.check_optimal_discriminator(lambda p, q: 1 / 0), "ZeroDivisionError")


def test_check_jsd_from_value(capsys):
    v = -1.2
    _verdict(capsys, True, ex.check_jsd_from_value((v + math.log(4)) / 2, v), "JSD =")
    _verdict(capsys, False, ex.check_jsd_from_value((v - math.log(4)) / 2, v), "sign")
    _verdict(capsys, False, ex.check_jsd_from_value(v + math.log(4), v), "divide by 2")
    _verdict(capsys, False, ex.check_jsd_from_value((v + math.log(4)) / 2 / math.log(2), v), "base 2")
    _verdict(capsys, False, ex.check_jsd_from_value(None, v), "`my_jsd` is still None")


def test_check_generator_gradients(capsys):
    _verdict(capsys, True, ex.check_generator_gradients(-0.01, -0.99), "almost no signal")
    _verdict(capsys, False, ex.check_generator_gradients(-0.99, -0.01), "swapped")
    _verdict(capsys, False, ex.check_generator_gradients(-1 / 0.99, -100.0), "with respect to the logit")
    _verdict(capsys, False, ex.check_generator_gradients(0.01, 0.99), "signs")
    _verdict(capsys, False, ex.check_generator_gradients(-0.01, "x"), "should be a number")


def test_check_scaling(capsys):
    _verdict(capsys, True, ex.check_scaling(lambda x: x.astype(np.float32) / 127.5 - 1), "range of tanh")
    _verdict(capsys, False, ex.check_scaling(lambda x: x / 255.0), "that is [0, 1]")
    _verdict(capsys, False, ex.check_scaling(lambda x: x), "unchanged")
    _verdict(capsys, False, ex.check_scaling(lambda x: x / 127.5 - 1), "dtype is float64")
    _verdict(capsys, False, ex.check_scaling(lambda x: x / 255.0 - 0.5), "0 must map to -1")
    stretch = lambda x: ((x - x.min()) / (x.max() - x.min()) * 2 - 1).astype(np.float32)
    _verdict(capsys, False, ex.check_scaling(stretch), "its own darkest to its brightest")
    _verdict(capsys, False, ex.check_scaling(lambda x: (x * 2 / 255 - 1).astype(np.float32)), "wraps around")
    fixed_by_image = lambda x: (x.astype(np.float32) / max(float(x.max()), 1) * 2 - 1).astype(np.float32)
    _verdict(capsys, False, ex.check_scaling(fixed_by_image), "not by the image")


def test_check_discriminator_loss(capsys):
    right = lambda r, f: losses.discriminator_loss(r, f)
    _verdict(capsys, True, ex.check_discriminator_loss(right), "real samples labelled 1")
    _verdict(capsys, False, ex.check_discriminator_loss(lambda r, f: right(f, r)), "labels swapped")
    _verdict(capsys, False, ex.check_discriminator_loss(lambda r, f: right(r, f) / 2), "averaged")
    probabilities = lambda r, f: right(tf.sigmoid(r), tf.sigmoid(f))
    _verdict(capsys, False, ex.check_discriminator_loss(probabilities), "logits already")
    _verdict(capsys, False, ex.check_discriminator_loss(lambda r, f: tf.reduce_mean(r)), "sigmoid_cross_entropy")


@pytest.mark.parametrize(
    ("answer", "ok", "hint"),
    [(114064, True, "= 114064"), (113152, False, "biases"), (114064 + 78400, False, "in sequence"), (5, False, "a·b")],
)
def test_check_parameter_count(capsys, answer, ok, hint):
    _verdict(capsys, ok, ex.check_parameter_count(answer), hint)


def test_check_transposed_output_size(capsys):
    _verdict(capsys, True, ex.check_transposed_output_size(14), "7 × 2 = 14")
    _verdict(capsys, False, ex.check_transposed_output_size(17), "padding='valid'")
    _verdict(capsys, False, ex.check_transposed_output_size(4), "goes up")
    _verdict(capsys, False, ex.check_transposed_output_size(None), "still None")


def test_check_conv_macs(capsys):
    _verdict(capsys, True, ex.check_conv_macs(10_035_200), "10,035,200")
    _verdict(capsys, False, ex.check_conv_macs(14 * 14 * 25 * 64 * 128), "output* pixels")
    _verdict(capsys, False, ex.check_conv_macs(7 * 7 * 25 * 128), "both 64 and 128")
    _verdict(capsys, False, ex.check_conv_macs(7 * 7 * 64 * 128), "5 × 5")
    # lesson 03's exercise: padding='valid' gives 7×7 outputs where 'same' gives 8×8
    exercise = {"size": 16, "c_in": 32, "c_out": 48, "kernel": 3, "stride": 2}
    _verdict(capsys, False, ex.check_conv_macs(7 * 7 * 9 * 32 * 48, **exercise), "padding='valid'")
    _verdict(capsys, True, ex.check_conv_macs(8 * 8 * 9 * 32 * 48, **exercise), "884,736")


def test_check_slerp(capsys):
    from gan_course.latent import lerp, slerp

    _verdict(capsys, True, ex.check_slerp(slerp), "keeps the norm")
    _verdict(capsys, False, ex.check_slerp(lerp), "straight line")
    _verdict(capsys, False, ex.check_slerp(lambda a, b, t: slerp(a, b, 1 - t)), "swapped")
    _verdict(capsys, False, ex.check_slerp(lambda a, b, t: a), "arccos")

    def undivided(a, b, t):  # the weighted sum, not divided by sin Ω
        omega = np.arccos(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
        return np.sin((1 - t) * omega) * a + np.sin(t * omega) * b

    _verdict(capsys, False, ex.check_slerp(undivided), "divide")


def _coverage_pair(threshold=3.0, percent=False, any_sample=False):
    from gan_course.metrics import mode_coverage

    def fn(samples, centers, std):
        c = mode_coverage(samples, centers, std, threshold)
        modes = len(centers) if any_sample else c.modes_covered
        return modes, c.high_quality_fraction * (100 if percent else 1)

    return fn


def test_check_high_quality_share(capsys):
    _verdict(capsys, True, ex.check_high_quality_share(_coverage_pair()), "same as metrics.mode_coverage")
    _verdict(capsys, False, ex.check_high_quality_share(_coverage_pair(threshold=1.0)), "3 * std")
    _verdict(capsys, False, ex.check_high_quality_share(_coverage_pair(percent=True)), "not a percentage")
    _verdict(capsys, False, ex.check_high_quality_share(_coverage_pair(any_sample=True)), "*high-quality*")
    _verdict(capsys, False, ex.check_high_quality_share(lambda s, c, std: 3), "return a pair")


def test_check_pack(capsys):
    _verdict(capsys, True, ex.check_pack(lambda x, m: x.reshape(-1, m * x.shape[1])), "side by side")
    _verdict(capsys, False, ex.check_pack(lambda x, m: x.reshape(m, -1)), "shape (4, 6)")
    interleaved = lambda x, m: x.reshape(m, -1, x.shape[1]).transpose(1, 0, 2).reshape(-1, m * x.shape[1])
    _verdict(capsys, False, ex.check_pack(interleaved), "*consecutive*")
    _verdict(capsys, False, ex.check_pack(lambda x, m: x.reshape(-1, m * x.shape[1]) + 1), "no value should change")
    _verdict(capsys, False, ex.check_pack(lambda x, m: 1 / 0), "ZeroDivisionError")
    _verdict(capsys, False, ex.check_pack(lambda x, m: x.reshape(-1, 2 * m)), "not every sample has 2 numbers")
    _verdict(capsys, False, ex.check_pack(lambda x, m: x.reshape(4, 6)), "shape (2, 12)")


def test_check_collapse_kl(capsys):
    _verdict(capsys, True, ex.check_collapse_kl(math.log(8), math.log(4)), "log 8")
    _verdict(capsys, False, ex.check_collapse_kl(math.log2(8), math.log2(4)), "log2")
    _verdict(capsys, False, ex.check_collapse_kl(-math.log(8), -math.log(4)), "never negative")
    _verdict(capsys, False, ex.check_collapse_kl(math.log(8), math.log(8)), "two modes")
    _verdict(capsys, False, ex.check_collapse_kl(1.0, 1.0), "Σ p_i log")
    _verdict(capsys, False, ex.check_collapse_kl(None, 1.0), "still None")
    _verdict(capsys, False, ex.check_collapse_kl(math.log(8), math.log(4), k=25), "the ring's 8 modes")
    _verdict(capsys, True, ex.check_collapse_kl(math.log(25), math.log(12.5), k=25), "log 25")


def test_check_frechet_1d(capsys):
    right = lambda m1, s1, m2, s2: (m1 - m2) ** 2 + s1**2 + s2**2 - 2 * s1 * s2
    _verdict(capsys, True, ex.check_frechet_1d(right), "gives 1 + 1 = 2")
    _verdict(capsys, False, ex.check_frechet_1d(lambda *a: math.sqrt(right(*a))), "*squared*")
    _verdict(capsys, False, ex.check_frechet_1d(lambda m1, s1, m2, s2: (m1 - m2) ** 2 + s1**2 + s2**2), "cross term")
    as_var = lambda m1, s1, m2, s2: (m1 - m2) ** 2 + s1 + s2 - 2 * math.sqrt(s1 * s2)
    _verdict(capsys, False, ex.check_frechet_1d(as_var), "variances")
    _verdict(capsys, False, ex.check_frechet_1d(lambda m1, s1, m2, s2: abs(m1 - m2) + (s1 - s2) ** 2), "squared diff")
    _verdict(capsys, False, ex.check_frechet_1d(lambda *a: [1.0, 2.0]), "one number")
    _verdict(capsys, False, ex.check_frechet_1d(lambda *a: 0.0), "Tr(Σ1)")
    _verdict(capsys, False, ex.check_frechet_1d(lambda m1, s1, m2, s2: (m1 - m2) ** 2 + (s1 + s2) ** 2), "subtracted")
    variances = lambda m1, s1, m2, s2: (m1 - m2) ** 2 + (s1**2 - s2**2) ** 2
    _verdict(capsys, False, ex.check_frechet_1d(variances), "compares the variances")
    _verdict(capsys, False, ex.check_frechet_1d(lambda m1, s1, m2, s2: (m1 - m2) ** 2 + (s1 - s2)), "as a square")
    _verdict(capsys, False, ex.check_frechet_1d(lambda m1, s1, m2, s2: (m1 - m2) ** 2 + abs(s1 - s2)), "as a square")
    _verdict(capsys, False, ex.check_frechet_1d(lambda m1, s1, m2, s2: (m1 - m2) ** 2), "only the mean part")


def test_check_fid_at_n(capsys):
    # FID_N = 10 + 5000 / N: 20 at N = 500, 12 at N = 2500; at N = 1000 it is 15
    args = (500, 20.0, 2500, 12.0, 1000)
    _verdict(capsys, True, ex.check_fid_at_n(15.0, *args), "FID_∞ = 10.00")
    _verdict(capsys, False, ex.check_fid_at_n(18.0, *args), "like 1/N")
    _verdict(capsys, False, ex.check_fid_at_n(10.0, *args), "add the bias")
    _verdict(capsys, False, ex.check_fid_at_n(5000.0, *args), "slope k")
    _verdict(capsys, False, ex.check_fid_at_n(13.0, *args), "two equations")
    _verdict(capsys, False, ex.check_fid_at_n(None, *args), "`my_fid` is still None")
    lesson = (1000, 30.0, 4000, 24.0, 2000)  # the lesson's numbers: the answer is 26
    _verdict(capsys, True, ex.check_fid_at_n(26.0, *lesson), "FID_∞ = 22.00")
    _verdict(capsys, False, ex.check_fid_at_n(27.0, *lesson), "mean of the two")
    _verdict(capsys, False, ex.check_fid_at_n(15.0, *lesson), "as if FID_∞ were 0")
    _verdict(capsys, False, ex.check_fid_at_n(48.0, *lesson), "as if FID_∞ were 0")
    _verdict(capsys, False, ex.check_fid_at_n(28.0, *lesson), "like 1/N")


def test_check_low_metric(capsys):
    _verdict(capsys, True, ex.check_low_metric(" Recall"), "recall is low")
    _verdict(capsys, False, ex.check_low_metric("precision"), "*generated*")
    _verdict(capsys, False, ex.check_low_metric("fid"), "answer")
    _verdict(capsys, True, ex.check_low_metric("Recall."), "recall is low")
    _verdict(capsys, False, ex.check_low_metric("both"), "pick one")
    _verdict(capsys, False, ex.check_low_metric("precision and recall"), "pick one")
    _verdict(capsys, False, ex.check_low_metric("neither"), "one of them is low")
    _verdict(capsys, False, ex.check_low_metric(None), "still None")


@pytest.mark.parametrize(
    "check",
    [
        ex.check_optimal_discriminator,
        ex.check_scaling,
        ex.check_discriminator_loss,
        ex.check_slerp,
        ex.check_high_quality_share,
        ex.check_pack,
        ex.check_frechet_1d,
        ex.check_hinge_optimum,
        ex.check_class_log_ratio,
        ex.check_ada_rv,
        ex.check_clinic_setup,
        ex.check_gan_step,
    ],
)
def test_every_function_check_names_none_and_a_missing_return(check, capsys):
    assert check(None) is False
    assert "you passed None" in capsys.readouterr().out

    def forgot_return(*args):
        pass

    assert check(forgot_return) is False
    assert "returned None: did you forget `return`?" in capsys.readouterr().out


def test_conv_macs_for_another_layer():
    # Conv2D(48, 3, strides=2) on 16x16x32: 8x8 output pixels x 3x3 x 32 x 48
    assert ex.check_conv_macs(8 * 8 * 3 * 3 * 32 * 48, size=16, c_in=32, c_out=48, kernel=3, stride=2)
    assert not ex.check_conv_macs(16 * 16 * 3 * 3 * 32 * 48, size=16, c_in=32, c_out=48, kernel=3, stride=2)


def test_check_hinge_optimum(capsys):
    _verdict(capsys, True, ex.check_hinge_optimum(lambda p, q: np.sign(p - q)), "only the sign")
    _verdict(capsys, True, ex.check_hinge_optimum(lambda p, q: np.where(p > q, 1.0, -1.0)), "only the sign")
    _verdict(capsys, False, ex.check_hinge_optimum(lambda p, q: p / (p + q)), "BCE discriminator's optimum")
    _verdict(capsys, False, ex.check_hinge_optimum(lambda p, q: np.sign(q - p)), "sign is swapped")
    _verdict(capsys, False, ex.check_hinge_optimum(lambda p, q: p - q), "minimum sits at a corner")
    _verdict(capsys, False, ex.check_hinge_optimum(lambda p, q: np.zeros(3)), "one value per point")


def _ema_share(steps=1000, last=100, offset=0):
    t = np.arange(steps - last, steps) + offset
    return 1 - np.prod(np.minimum(0.999, (1 + t) / (10 + t)))


def test_check_ema_share(capsys):
    _verdict(capsys, True, ex.check_ema_share(_ema_share()), "make 61% of the average")
    _verdict(capsys, True, ex.check_ema_share(_ema_share(offset=1)), "against 9.5%")  # updates counted from 1
    _verdict(
        capsys, True, ex.check_ema_share(_ema_share(400, 40), steps=400, last=40), "takes over only after 8990 updates"
    )
    _verdict(capsys, False, ex.check_ema_share(1 - 0.999**100), "constant decay of 0.999")  # the warm-up ignored
    _verdict(capsys, False, ex.check_ema_share(1 - _ema_share()), "what the older weights keep")
    _verdict(capsys, False, ex.check_ema_share(0.999**100), "what the older weights keep")
    _verdict(capsys, False, ex.check_ema_share(0.999**1000), "left of the untrained start")  # the old question
    _verdict(capsys, False, ex.check_ema_share(1 - (1000 / 1009) ** 100), "multiply the 100 different factors")
    _verdict(capsys, False, ex.check_ema_share(1 - (901 / 910) ** 100), "multiply the 100 different factors")
    _verdict(capsys, False, ex.check_ema_share(0.5), "what share do they keep")
    _verdict(capsys, False, ex.check_ema_share(None), "`my_share` is still None")


# ----------------------------------------------------------------- lesson 07


def _log_softmax(logits):
    top = logits.max(axis=1, keepdims=True)
    return logits - top - np.log(np.exp(logits - top).sum(axis=1, keepdims=True))


def _right(phi, v_data, v_g, y):
    rows = np.arange(len(phi))
    return _log_softmax(phi @ v_data.T)[rows, y] - _log_softmax(phi @ v_g.T)[rows, y]


def _naive(phi, v_data, v_g, y):  # right formula, but exp overflows for large logits
    rows = np.arange(len(phi))
    p_data = np.exp(phi @ v_data.T) / np.exp(phi @ v_data.T).sum(axis=1, keepdims=True)
    p_g = np.exp(phi @ v_g.T) / np.exp(phi @ v_g.T).sum(axis=1, keepdims=True)
    return np.log(p_data[rows, y]) - np.log(p_g[rows, y])


def test_check_class_log_ratio(capsys):
    _verdict(capsys, True, ex.check_class_log_ratio(_right), "e_y = v_data_y - v_g_y")
    column = lambda phi, vd, vg, y: _right(phi, vd, vg, y)[:, None]
    _verdict(capsys, True, ex.check_class_log_ratio(column), "depends on x alone")  # (N, 1) is fine too
    scipy_special = pytest.importorskip("scipy.special")
    with_scipy = lambda phi, vd, vg, y: (
        scipy_special.log_softmax(phi @ vd.T, axis=1) - scipy_special.log_softmax(phi @ vg.T, axis=1)
    )[np.arange(len(phi)), y]
    _verdict(capsys, True, ex.check_class_log_ratio(with_scipy), "projection term")
    with np.errstate(all="ignore"):
        _verdict(capsys, False, ex.check_class_log_ratio(_naive), "exp overflows")
    # the formula copied from the lesson's text: only the part that depends on y
    copied = lambda phi, vd, vg, y: np.sum((vd[y] - vg[y]) * phi, axis=1)
    _verdict(capsys, False, ex.check_class_log_ratio(copied), "only the part that depends on y")
    swapped = lambda phi, vd, vg, y: -_right(phi, vd, vg, y)
    _verdict(capsys, False, ex.check_class_log_ratio(swapped), "the sign")
    ratio = lambda phi, vd, vg, y: np.exp(_right(phi, vd, vg, y))
    _verdict(capsys, False, ex.check_class_log_ratio(ratio), "its logarithm")
    data_only = lambda phi, vd, vg, y: _log_softmax(phi @ vd.T)[np.arange(len(phi)), y]
    _verdict(capsys, False, ex.check_class_log_ratio(data_only), "log p_data(y|x) alone")

    def over_images(phi, vd, vg, y):
        rows = np.arange(len(phi))
        return (_log_softmax((phi @ vd.T).T).T - _log_softmax((phi @ vg.T).T).T)[rows, y]

    _verdict(capsys, False, ex.check_class_log_ratio(over_images), "normalised over the images")
    one_normaliser = lambda phi, vd, vg, y: (
        (phi @ vd.T)[np.arange(len(phi)), y] - _log_softmax(phi @ vg.T)[np.arange(len(phi)), y]
    )
    _verdict(capsys, False, ex.check_class_log_ratio(one_normaliser), "lost its normaliser")
    every_class = lambda phi, vd, vg, y: _log_softmax(phi @ vd.T) - _log_softmax(phi @ vg.T)
    _verdict(capsys, False, ex.check_class_log_ratio(every_class), "keep only the class asked for")
    _verdict(capsys, False, ex.check_class_log_ratio(lambda phi, vd, vg, y: np.zeros(3)), "one number per image")
    _verdict(capsys, False, ex.check_class_log_ratio(lambda phi, vd, vg, y: np.zeros(6)), "write log p(y|x)")
    _verdict(capsys, False, ex.check_class_log_ratio(lambda phi, vd, vg, y: 1 / 0), "ZeroDivisionError")
    _verdict(capsys, False, ex.check_class_log_ratio(None), "you passed None")

    def forgot_return(phi, vd, vg, y):
        _right(phi, vd, vg, y)

    _verdict(capsys, False, ex.check_class_log_ratio(forgot_return), "did you forget `return`?")


def test_check_class_log_ratio_takes_tensorflow_results(capsys):
    import tensorflow as tf

    with_tf = lambda phi, vd, vg, y: tf.gather(
        tf.nn.log_softmax(phi @ vd.T) - tf.nn.log_softmax(phi @ vg.T), y, axis=1, batch_dims=1
    )
    _verdict(capsys, True, ex.check_class_log_ratio(with_tf), "projection term")


def test_check_label_parameters(capsys):
    units = 7 * 7 * 64
    one_hot, emb = 10 * units, 10 * 50 + 50 * units
    assert (one_hot, emb) == (31_360, 157_300)
    _verdict(capsys, True, ex.check_label_parameters(one_hot, emb), "31,460")  # the default embed_dim = 10
    _verdict(capsys, False, ex.check_label_parameters(emb, one_hot), "swapped")
    _verdict(capsys, False, ex.check_label_parameters(110 * units, emb), "z's 100")
    _verdict(capsys, False, ex.check_label_parameters(one_hot + units, emb), "no bias")
    _verdict(capsys, False, ex.check_label_parameters(0, emb), "no parameters of its own")
    _verdict(capsys, False, ex.check_label_parameters(12345, emb), "a·b weights")
    _verdict(capsys, False, ex.check_label_parameters(one_hot, 50 * units), "add the embedding table")
    _verdict(capsys, False, ex.check_label_parameters(one_hot, 500), "only the start")
    _verdict(capsys, False, ex.check_label_parameters(one_hot, 12345), "add the two")
    _verdict(capsys, False, ex.check_label_parameters(None, emb), "`my_one_hot` is still None")
    _verdict(capsys, False, ex.check_label_parameters(one_hot, "many"), "`my_embedding` should be a number")


def test_check_label_parameters_for_other_sizes(capsys):
    # MNIST-sized lean generator with width 32: Dense(7·7·32), Embedding(10, 16)
    units = 7 * 7 * 32
    _verdict(capsys, True, ex.check_label_parameters(10 * units, 160 + 16 * units, embed_dim=16, units=units), "")


def test_check_ignored_label_fidelity(capsys):
    _verdict(capsys, True, ex.check_ignored_label_fidelity(0.1, 0.1), "whatever G draws")
    _verdict(capsys, True, ex.check_ignored_label_fidelity(1 / 10, 0.1), "FID")
    # FID tells the two apart: a sneakers-only G scores badly, only the right mix can score well
    _verdict(capsys, True, ex.check_ignored_label_fidelity(0.1, 0.1), "(b) draws one class and scores badly")
    capsys.readouterr()
    ex.check_ignored_label_fidelity(0.1, 0.1)
    assert "as good as any" not in capsys.readouterr().out
    _verdict(capsys, True, ex.check_ignored_label_fidelity(0.25, 0.25, n_classes=4), "25%")
    _verdict(capsys, False, ex.check_ignored_label_fidelity(10, 10), "not a percentage")
    _verdict(capsys, False, ex.check_ignored_label_fidelity(0.1, 0.913), "classifier's accuracy")
    _verdict(capsys, False, ex.check_ignored_label_fidelity(0.1, 0), "are all met")
    _verdict(capsys, False, ex.check_ignored_label_fidelity(0, 0.1), "cannot miss every time")
    _verdict(capsys, False, ex.check_ignored_label_fidelity(0.1, 1), "*requested*")
    _verdict(capsys, False, ex.check_ignored_label_fidelity(0.01, 0.1), "add the terms")
    _verdict(capsys, False, ex.check_ignored_label_fidelity(0.5, 0.1), "does not depend on the request")
    _verdict(capsys, False, ex.check_ignored_label_fidelity(None, 0.1), "`my_all_classes` is still None")


# ----------------------------------------------------------------- lesson 08


def _rv(train, heldout, fake):
    t, h, g = np.mean(train), np.mean(heldout), np.mean(fake)
    return (t - h) / (t - g)


def test_check_ada_rv(capsys):
    sig = lambda v: 1 / (1 + np.exp(-v))
    mean = np.mean
    _verdict(capsys, True, ex.check_ada_rv(_rv), "of the way from D's score")
    _verdict(capsys, True, ex.check_ada_rv(lambda t, h, g: [_rv(t, h, g)]), "of the way from D's score")
    # the typical wrong answers, each with its own hint
    unscaled = lambda t, h, g: mean(t) - mean(h)
    _verdict(capsys, False, ex.check_ada_rv(unscaled), "divides it by the distance that sets the scale")
    probabilities = lambda t, h, g: _rv(sig(t), sig(h), sig(g))
    _verdict(capsys, False, ex.check_ada_rv(probabilities), "not the probabilities")
    lesson_gap = lambda t, h, g: mean(sig(t)) - mean(sig(h))
    _verdict(capsys, False, ex.check_ada_rv(lesson_gap), "this lesson's gap, in probabilities")
    flipped = lambda t, h, g: (mean(h) - mean(t)) / (mean(t) - mean(g))
    _verdict(capsys, False, ex.check_ada_rv(flipped), "mind the signs")
    flipped_scale = lambda t, h, g: (mean(t) - mean(h)) / (mean(g) - mean(t))
    _verdict(capsys, False, ex.check_ada_rv(flipped_scale), "mind the signs")
    heldout_scale = lambda t, h, g: (mean(t) - mean(h)) / (mean(h) - mean(g))
    _verdict(capsys, False, ex.check_ada_rv(heldout_scale), "not from the held-out ones")
    upside_down = lambda t, h, g: (mean(t) - mean(g)) / (mean(t) - mean(h))
    _verdict(capsys, False, ex.check_ada_rv(upside_down), "upside down")
    r_t = lambda t, h, g: mean(np.sign(t))
    _verdict(capsys, False, ex.check_ada_rv(r_t), "that is r_t")
    complement = lambda t, h, g: (mean(h) - mean(g)) / (mean(t) - mean(g))
    _verdict(capsys, False, ex.check_ada_rv(complement), "1 - r_v")
    _verdict(capsys, False, ex.check_ada_rv(lambda t, h, g: 0.3), "scale the train / held-out difference")
    _verdict(capsys, False, ex.check_ada_rv(lambda t, h, g: (0.5, 0.1)), "one number")
    _verdict(capsys, False, ex.check_ada_rv(None), "you passed None")


def test_check_freezed_parameters_agrees_with_the_lean_discriminator(capsys):
    from gan_course import models, transfer

    d = models.dcgan_lean_discriminator()
    transfer.freeze_lower_blocks(d, 1)
    training = sum(int(np.prod(w.shape)) for w in d.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in d.non_trainable_weights)
    assert (frozen, training) == (544, 35_969)
    _verdict(capsys, True, ex.check_freezed_parameters(frozen, training), "544 frozen")
    _verdict(capsys, False, ex.check_freezed_parameters(training, frozen), "swapped")
    _verdict(capsys, False, ex.check_freezed_parameters(512, training), "biases")
    _verdict(capsys, False, ex.check_freezed_parameters(544 + 32_832, 3_137), "the second still trains")
    _verdict(capsys, False, ex.check_freezed_parameters(32_832, 3_681), "not the second")
    _verdict(capsys, False, ex.check_freezed_parameters(1000, training), "C_in = 1")
    _verdict(capsys, False, ex.check_freezed_parameters(544, 1000), "the Dense head")
    _verdict(capsys, False, ex.check_freezed_parameters(None, training), "`my_frozen` is still None")


# ------------------------------------------------------------------- lesson 09

# ------------------------------------------------------------------- exercise 1: a broken setup


def _setup(scale="right", d_activation=None, shared=False, beta_1=0.5, hidden=256, loss="non_saturating", leaky=True):
    def fn(pixels):
        generator = keras.Sequential(
            [
                keras.Input((64,)),
                layers.Dense(hidden),
                layers.LeakyReLU(negative_slope=0.2),
                layers.Dense(784, activation="tanh"),
                layers.Reshape((28, 28, 1)),
            ]
        )
        discriminator = keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                layers.Flatten(),
                layers.Dense(256),
                *([layers.LeakyReLU(negative_slope=0.2)] if leaky else []),
                layers.Dense(1, activation=d_activation),
            ]
        )
        images = {"right": pixels / 127.5 - 1, "unit": pixels / 255.0, "raw": pixels * 1.0}[scale]
        d_optimizer = keras.optimizers.Adam(2e-4, beta_1=beta_1)
        g_optimizer = d_optimizer if shared else keras.optimizers.Adam(2e-4, beta_1=beta_1)
        return generator, discriminator, images.astype("float32"), loss, d_optimizer, g_optimizer

    return fn


def test_check_clinic_setup_accepts_the_repair(capsys):
    _verdict(capsys, True, ex.check_clinic_setup(_setup()), "diagnose finds nothing")


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"scale": "unit"}, "still in [0, 1]"),
        ({"scale": "raw"}, "raw pixels"),
        ({"d_activation": "sigmoid"}, "output_activation"),
        ({"shared": True}, "share one optimizer"),
        ({"beta_1": 0.9}, "beta_1 = 0.9"),
        ({"hidden": 128}, "keep the networks' sizes"),
        ({"d_activation": "sigmoid", "loss": "binary_crossentropy"}, "works, but"),  # an info is still a finding
        # wrong answers that diagnose alone would let pass, or that change more than diagnose reports
        ({"d_activation": "relu"}, "D ends in a relu"),
        ({"d_activation": "softplus"}, "D ends in a softplus"),
        ({"loss": "minimax"}, "keep the loss 'non_saturating'"),
        ({"loss": "least_squares"}, "keep the loss 'non_saturating'"),
        ({"loss": "hinge"}, "keep the loss 'non_saturating'"),
        ({"leaky": False}, "lost its LeakyReLU"),
    ],
)
def test_check_clinic_setup_names_what_is_left(capsys, kwargs, hint):
    _verdict(capsys, False, ex.check_clinic_setup(_setup(**kwargs)), hint)


def test_check_clinic_setup_refuses_malformed_answers(capsys):
    _verdict(capsys, False, ex.check_clinic_setup(lambda pixels: (1, 2)), "return six things")
    right = _setup()
    no_opt = lambda pixels: right(pixels)[:4] + (None, None)
    _verdict(capsys, False, ex.check_clinic_setup(no_opt), "return both optimizers")
    wrong_images = lambda pixels: right(pixels)[:2] + (pixels[:3] / 127.5 - 1,) + right(pixels)[3:]
    _verdict(capsys, False, ex.check_clinic_setup(wrong_images), "shape (64, 28, 28, 1)")
    _verdict(capsys, False, ex.check_clinic_setup(lambda pixels: 1 / 0), "ZeroDivisionError")
    _verdict(capsys, False, ex.check_clinic_setup(None), "you passed None")
    _verdict(capsys, False, ex.check_clinic_setup(lambda pixels: None), "did you forget `return`?")


# ------------------------------------------------------------------- exercise 2: a broken step

_BCE = keras.losses.BinaryCrossentropy(from_logits=True)


def _step(swap_labels=False, g_moves_d=False, sequential=False, minimax=False, skip_d=False, returns=True):
    def fn(generator, discriminator, d_optimizer, g_optimizer, real, z):
        with tf.GradientTape(persistent=True) as tape:
            fake = generator(z, training=True)
            real_logits = discriminator(real, training=True)
            fake_logits = discriminator(fake, training=True)
            r, f = (0.0, 1.0) if swap_labels else (1.0, 0.0)
            d_loss = _BCE(tf.fill(tf.shape(real_logits), r), real_logits) + _BCE(
                tf.fill(tf.shape(fake_logits), f), fake_logits
            )
            if minimax:
                g_loss = -_BCE(tf.zeros_like(fake_logits), fake_logits)
            else:
                g_loss = _BCE(tf.ones_like(fake_logits), fake_logits)
        d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
        d_grads = tape.gradient(d_loss, d_vars)
        if not skip_d:
            d_optimizer.apply_gradients(zip(d_grads, d_vars))
        if sequential:
            with tf.GradientTape() as tape2:
                g_loss = _BCE(tf.ones_like(fake_logits), discriminator(generator(z, training=True), training=True))
            g_optimizer.apply_gradients(zip(tape2.gradient(g_loss, g_vars), g_vars))
        elif g_moves_d:
            both = g_vars + d_vars
            g_optimizer.apply_gradients(zip(tape.gradient(g_loss, both), both))
        else:
            g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_vars), g_vars))
        return (d_loss, g_loss) if returns else [d_loss]

    return fn


def test_check_gan_step_accepts_both_orders(capsys):
    _verdict(capsys, True, ex.check_gan_step(_step()), "its own network")
    _verdict(capsys, True, ex.check_gan_step(_step(sequential=True)), "its own network")


@pytest.mark.parametrize(
    ("kwargs", "hint"),
    [
        ({"swap_labels": True, "g_moves_d": True}, "G's update also moved D"),  # the lesson's broken step
        ({"g_moves_d": True}, "G's update also moved D"),
        ({"swap_labels": True}, "labels are swapped"),
        ({"minimax": True}, "minimax loss"),
        ({"skip_d": True}, "D did not change"),
        ({"returns": False}, "return the two losses"),
    ],
)
def test_check_gan_step_hints(capsys, kwargs, hint):
    _verdict(capsys, False, ex.check_gan_step(_step(**kwargs)), hint)


def test_check_gan_step_refuses_failures(capsys):
    _verdict(capsys, False, ex.check_gan_step(lambda *args: 1 / 0), "ZeroDivisionError")
    _verdict(capsys, False, ex.check_gan_step(None), "you passed None")
    _verdict(capsys, False, ex.check_gan_step(lambda *args: None), "did you forget `return`?")


# ------------------------------------------------------------------- exercise 3: where G starts


def test_check_generator_start(capsys):
    _verdict(capsys, True, ex.check_generator_start(6), "48 / 2^3 = 6")
    _verdict(capsys, True, ex.check_generator_start(7, size=28, upsamplings=2), "28 / 2^2 = 7")
    _verdict(capsys, False, ex.check_generator_start(12), "count the stride-2 layers again")
    _verdict(capsys, False, ex.check_generator_start(16), "doubles the side")
    _verdict(capsys, False, ex.check_generator_start(4), "seed 001's 4×4")
    _verdict(capsys, False, ex.check_generator_start(5), "start × 2^3 must equal 48")
    _verdict(capsys, False, ex.check_generator_start(None), "`my_start` is still None")


# ------------------------------------------------------------------- lesson 10


def test_check_replica_loss(capsys):
    _verdict(capsys, True, ex.check_replica_loss(lambda losses, n: np.sum(losses) / n), "compute_average_loss")
    _verdict(
        capsys,
        True,
        ex.check_replica_loss(lambda losses, n: tf.nn.compute_average_loss(losses, global_batch_size=n)),
        "any split",
    )
    # mean / R is right for equal shares only; the check's uneven split has 3 replicas
    _verdict(capsys, False, ex.check_replica_loss(lambda losses, n: np.mean(losses) / (2 if n == 12 else 3)), "4 + 3")
    _verdict(capsys, False, ex.check_replica_loss(lambda losses, n: np.mean(losses)), "R times too large")
    _verdict(capsys, False, ex.check_replica_loss(lambda losses, n: np.sum(losses)), "divide by the global batch")
    _verdict(capsys, False, ex.check_replica_loss(lambda losses, n: losses / n), "a scalar")
    _verdict(capsys, False, ex.check_replica_loss(lambda losses, n: np.max(losses)), "add up to the mean")
    _verdict(capsys, False, ex.check_replica_loss(None), "you passed None")


@pytest.mark.slow
def test_check_cost_prediction(capsys):
    from gan_course import models

    def macs(width, g_passes=4, d_passes=8):
        g = models.forward_macs(models.dcgan_lean_generator(100, (28, 28, 1), width=width))
        d = models.forward_macs(models.dcgan_lean_discriminator((28, 28, 1), width=width))
        return g_passes * g + d_passes * d

    # by hand, for width 64 -> 128 at 28x28: G = 100·7·7·64 + 7·7·64·16·32 + 14·14·32·16·1 (Dense, two transposed
    # convolutions, counted on their inputs), D = 14·14·16·1·32 + 7·7·16·32·64 + 7·7·64 (two convolutions, Dense)
    g64 = 100 * 49 * 64 + 49 * 64 * 16 * 32 + 196 * 32 * 16
    d64 = 196 * 16 * 32 + 49 * 16 * 32 * 64 + 49 * 64
    assert macs(64, 1, 0) == g64 and macs(64, 0, 1) == d64
    lean = models.dcgan_lean_generator(100, (28, 28, 1)), models.dcgan_lean_discriminator((28, 28, 1))
    assert models.step_macs(*lean) == 4 * g64 + 8 * d64  # the cost model: 4 G + 8 D forward passes per image
    rate = 1000.0
    want = rate * macs(64) / macs(128)
    _verdict(capsys, True, ex.check_cost_prediction(want, rate), "images/s")
    _verdict(capsys, False, ex.check_cost_prediction(rate * macs(64, 1, 1) / macs(128, 1, 1), rate), "weighed G and D")
    _verdict(capsys, False, ex.check_cost_prediction(rate / 4, rate), "not every layer grows alike")
    _verdict(capsys, False, ex.check_cost_prediction(rate * macs(128) / macs(64), rate), "divide")
    _verdict(capsys, False, ex.check_cost_prediction(rate * 0.9, rate), "forward_macs")
    _verdict(capsys, False, ex.check_cost_prediction(None, rate), "`my_rate` is still None")


# ------------------------------------------------------------------- hostile answers never crash a check


def _raises(*args):
    raise RuntimeError("learner's bug")


HOSTILE = {
    "None": None,
    "a string": "0.5",
    "bytes": b"1",
    "a bool": True,
    "an array": np.array([0.1, 0.2, 0.3]),
    "an empty array": np.array([]),
    "NaN": float("nan"),
    "infinity": np.inf,
    "a dict": {"answer": 1},
    "an object": object(),
    "a function that raises": _raises,
    "a function returning the wrong shape": lambda *args: np.zeros((2, 3, 5)),
    "a function returning text": lambda *args: "precision",
    "a function returning NaN": lambda *args: float("nan"),
}
SLOW = {"check_gan_step", "check_clinic_setup", "check_cost_prediction"}  # they build Keras models
CHECKS = [
    pytest.param(getattr(ex, name), id=name, marks=[pytest.mark.slow] if name in SLOW else [])
    for name in ex.__all__
    if name.startswith("check_")
]


def _required(check):
    """How many arguments a check needs (the answers and the lesson's values without a default)."""
    import inspect

    return sum(p.default is inspect.Parameter.empty for p in inspect.signature(check).parameters.values())


@pytest.mark.parametrize("check", CHECKS)
def test_a_check_answers_not_yet_to_any_hostile_answer(check, capsys):
    """Every required argument hostile, then only the first: False and a reason, never an exception."""
    for label, answer in HOSTILE.items():
        for args in ([answer] * _required(check), [answer] + [1.0] * (_required(check) - 1)):
            assert check(*args) is False, f"{check.__name__} accepted {label}"
            out = capsys.readouterr().out
            assert out.startswith("Not yet: ") and len(out) > 30, f"{check.__name__}, {label}: {out!r}"
            assert "could not be checked" not in out, f"{check.__name__}, {label}: give the reason: {out!r}"


def test_numpy_scalars_and_tensors_count_as_numbers(capsys):
    assert ex.check_ema_share(np.float32(_ema_share())) is True
    assert ex.check_parameter_count(np.int64(114064)) is True
    assert ex.check_collapse_kl(tf.constant(math.log(8)), np.float64(math.log(4))) is True
    assert ex.check_transposed_output_size(np.array(14)) is True  # a 0-d array is one number
    capsys.readouterr()
    assert ex.check_transposed_output_size(np.array([14])) is False
    assert "one number, got an array of shape (1,)" in capsys.readouterr().out


@pytest.mark.parametrize("lesson", range(1, 11))
def test_a_lesson_module_introduces_its_checks_in_its_lesson(lesson):
    """tests/test_provenance.py reads top-level modules only; the lesson modules say the same of themselves."""
    import importlib
    import inspect

    module = importlib.import_module(f"gan_course.exercises.lesson{lesson:02d}")
    assert f"Used in lesson {lesson:02d}." in module.__doc__
    public = [f for name, f in vars(module).items() if name.startswith("check_")]
    assert public and all(f"Introduced in lesson {lesson:02d}." in inspect.getdoc(f) for f in public)
    assert all(s.code.__module__ == module.__name__ for (k, _), s in ex.SOLUTIONS.items() if k == lesson)
