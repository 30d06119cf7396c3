"""Lesson 09's exercises: each check beside its worked solution.

Used in lesson 09.
"""

from __future__ import annotations

import numpy as np

from gan_course.exercises._core import NotYet, check, first, function, no, number, result_of, solved, yes

# ------------------------------------------------------------------ exercise 1: a broken setup

#: Exercise 1's networks: G 64 -> Dense(256) -> LeakyReLU -> Dense(784, tanh) -> (28, 28, 1); D the mirror image.
_SETUP_SIZES = {"z": 64, "generator": 64 * 256 + 256 + 256 * 784 + 784, "discriminator": 784 * 256 + 256 + 256 + 1}


#: Exercise 1's layers, in order, as the broken setup builds them (the repair changes none of them but D's last
#: activation): (layer class, activation or LeakyReLU slope). Keras' functional models list an InputLayer too.
_SETUP_LAYERS = {
    "generator": (("Dense", "linear"), ("LeakyReLU", 0.2), ("Dense", "tanh"), ("Reshape", None)),
    "discriminator": (("Flatten", None), ("Dense", "linear"), ("LeakyReLU", 0.2), ("Dense", "linear")),
}
_SETUP_SAY = {
    "generator": "Dense(256), LeakyReLU(0.2), Dense(784, activation='tanh'), Reshape((28, 28, 1))",
    "discriminator": "Flatten(), Dense(256), LeakyReLU(0.2), Dense(1) with no activation (a logit)",
}


def _layer_key(layer) -> tuple:
    """(class name, activation name or LeakyReLU slope) of a layer, as ``_SETUP_LAYERS`` writes it."""
    kind = type(layer).__name__
    if kind == "LeakyReLU":
        return kind, round(float(getattr(layer, "negative_slope", np.nan)), 6)
    activation = getattr(layer, "activation", None)
    return kind, getattr(activation, "__name__", None) if activation is not None else None


def _setup_layers(name: str, model, logit_only: bool = True) -> None:
    """NotYet unless ``model`` has exercise 1's layers for ``name`` (LeakyReLU kept; D's last one a logit, unless
    ``logit_only`` is False, before diagnose has spoken)."""
    got = tuple(_layer_key(layer) for layer in model.layers if type(layer).__name__ != "InputLayer")
    want = _SETUP_LAYERS[name]
    if got == want:
        return
    if name == "discriminator" and got[:-1] == want[:-1] and got[-1][0] == "Dense":
        if not logit_only:  # D's last activation is what diagnose reports on: its finding comes first
            return
        raise NotYet(
            f"D's last layer ends in {got[-1][1]}: the loss 'non_saturating' applies the sigmoid itself, so D must "
            "return a logit, any real number: Dense(1) with no activation (a ReLU or softplus there leaves D "
            "unable to call anything fake)"
        )
    kinds = [kind for kind, _ in got]
    if "LeakyReLU" not in kinds:
        raise NotYet(
            f"the {name} lost its LeakyReLU: diagnose did not report it, and without it the {name} is one linear "
            f"map (two Dense layers in a row). Keep {_SETUP_SAY[name]}"
        )
    raise NotYet(f"change only what diagnose reports: keep the {name}'s layers, {_SETUP_SAY[name]}")


def _gan_loss_name(loss) -> str | None:
    """The key in ``losses.LOSSES`` that ``loss`` names or is, else None."""
    from gan_course.losses import LOSSES

    if isinstance(loss, str):
        key = loss.strip().lower().replace("-", "_")
        return key if key in LOSSES else None
    return next((key for key, value in LOSSES.items() if value is loss), None)


def _setup_loss(loss) -> None:
    """NotYet unless ``loss`` is the non-saturating loss on logits that the broken setup already uses."""
    import keras

    from gan_course.losses import LOSSES

    if isinstance(loss, str) and loss.strip().lower().replace("-", "_") == "non_saturating":
        return
    if loss is LOSSES["non_saturating"]:
        return
    if isinstance(loss, keras.losses.BinaryCrossentropy) and loss.get_config().get("from_logits"):
        return
    name = loss if isinstance(loss, str) else getattr(loss, "name", type(loss).__name__)
    raise NotYet(
        f"keep the loss 'non_saturating': diagnose did not report it, and {name!r} is another game (minimax "
        "saturates when D rejects the fakes, hinge and the Wasserstein losses need other settings). The repair is "
        "D's output, not the loss"
    )


def _setup_images(images, pixels: np.ndarray) -> np.ndarray:
    """The returned images as floats, or NotYet saying how they differ from pixels / 127.5 - 1."""
    try:
        got = np.asarray(images, dtype=np.float64)
    except Exception:  # noqa: BLE001 - any object may come back
        raise NotYet(f"images must be an array of images, got {type(images).__name__}") from None
    if got.shape != pixels.shape:
        raise NotYet(f"return the given images, rescaled: shape {pixels.shape}, got {got.shape}")
    raw = pixels.astype(np.float64)
    wrong = [
        (
            raw / 255.0,
            "the images are still in [0, 1] (x / 255), and G's tanh makes [-1, 1]: scale them with x / 127.5 - 1",
        ),
        (raw, "these are the raw pixels in [0, 255]: scale them with x / 127.5 - 1"),
        (1.0 - raw / 127.5, "the sign is flipped (255 became -1): x / 127.5 - 1 maps 0 to -1 and 255 to 1"),
    ]
    close = lambda a, b: np.allclose(a, b, atol=1e-4)
    if not close(got, raw / 127.5 - 1.0):
        raise NotYet(
            first(got, wrong, close) or "scale the pixels so that 0 becomes -1 and 255 becomes 1: x / 127.5 - 1"
        )
    return got


@check
def check_clinic_setup(fn) -> bool:
    """Lesson 09, exercise 1: ``fn(pixels)`` repairs a broken GAN setup.

    ``pixels`` are uint8 images (N, 28, 28, 1) in [0, 255]; ``fn`` must return
    ``(generator, discriminator, images, loss, d_optimizer, g_optimizer)`` for the exercise's MLP GAN
    (z of 64 numbers, one hidden layer of 256 units in each network), with the same layer sizes, the
    images as the networks will be trained on them, and ``clinic.diagnose`` finding nothing. Only what diagnose
    reports may change: the layers (LeakyReLU included), D ending in a logit, and the loss 'non_saturating' are
    checked too. Introduced in lesson 09.
    """
    import keras

    from gan_course.clinic import diagnose

    pixels = np.random.default_rng(9).integers(0, 256, size=(64, 28, 28, 1)).astype(np.uint8)
    pixels[0, 0, 0, 0], pixels[0, 0, 1, 0] = 0, 255
    result = result_of(fn, pixels.copy())
    if not isinstance(result, (tuple, list)) or len(result) != 6:
        raise NotYet(
            "return six things, in this order: generator, discriminator, images, loss, d_optimizer, g_optimizer"
        )
    generator, discriminator, images, loss, d_optimizer, g_optimizer = result
    for name, model in (("generator", generator), ("discriminator", discriminator)):
        if not isinstance(model, keras.Model):
            return no(f"the {name} must be a keras.Model, got {type(model).__name__}")
    if d_optimizer is None or g_optimizer is None:
        return no("return both optimizers: diagnose reads their settings, and training needs them")
    images = _setup_images(images, pixels)
    z_dim = generator.inputs[0].shape[-1] if getattr(generator, "inputs", None) else None
    sizes = {"z": z_dim, "generator": generator.count_params(), "discriminator": discriminator.count_params()}
    if sizes != _SETUP_SIZES:
        return no(
            "keep the networks' sizes (z of 64 numbers, one hidden layer of 256 units each) and change only what "
            "diagnose reports: an output activation is not a layer with weights"
        )
    for name, model in (("generator", generator), ("discriminator", discriminator)):
        _setup_layers(name, model, logit_only=False)
    if _gan_loss_name(loss) not in (None, "non_saturating"):  # another of the course's losses: not a repair
        _setup_loss(loss)
    try:
        found = diagnose(
            generator, discriminator, images.astype(np.float32), loss, d_optimizer=d_optimizer, g_optimizer=g_optimizer
        )
    except ValueError as err:
        return no(f"diagnose refused the setup: {err}")
    if found.findings:
        worst = sorted(found.findings, key=lambda f: ("error", "warning", "info").index(f.severity))[0]
        more = f" (and {len(found.findings) - 1} more)" if len(found.findings) > 1 else ""
        return no(f"diagnose still finds {worst.check}{more}: {worst.found}. Fix: {worst.fix}")
    # what diagnose lets pass but the exercise does not ask for: another loss, another last activation
    _setup_layers("discriminator", discriminator)
    _setup_loss(loss)
    return yes(
        "diagnose finds nothing: the images fill G's [-1, 1], D hands a logit to a loss on logits, and each "
        "network has its own optimizer with settings known to work"
    )


# ------------------------------------------------------------------ exercise 2: a broken step


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


def _gradients(generator, discriminator, real, z):
    """D's loss, and the gradients of a right step and of its usual mistakes (each one network's variables)."""
    import keras
    import tensorflow as tf

    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    with tf.GradientTape(persistent=True) as tape:
        real_logits, fake_logits = discriminator(real), discriminator(generator(z))
        ones, zeros = tf.ones_like(real_logits), tf.zeros_like(real_logits)
        d_loss = bce(ones, real_logits) + bce(zeros, fake_logits)
        d_swapped = bce(zeros, real_logits) + bce(ones, fake_logits)
        g_loss, g_minimax = bce(ones, fake_logits), -bce(zeros, fake_logits)
    d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
    grads = {"d": tape.gradient(d_loss, d_vars), "g": tape.gradient(g_loss, g_vars)}
    flat = {"d_swapped": _flat(tape.gradient(d_swapped, d_vars)), "d_from_g": _flat(tape.gradient(g_loss, d_vars))}
    flat["g_minimax"] = _flat(tape.gradient(g_minimax, g_vars))
    return float(d_loss), grads, flat


@check
def check_gan_step(fn) -> bool:
    """Lesson 09, exercise 2: ``fn(generator, discriminator, d_optimizer, g_optimizer, real, z)`` is one GAN step.

    D's logits, binary cross-entropy on logits: D's update must lower softplus(-D(x)) + softplus(D(G(z)))
    (real -> 1, fake -> 0), G's must lower -log sigmoid(D(G(z))) (the non-saturating loss) and change G only;
    G's gradient may be taken before or after D's update. ``fn`` returns ``(d_loss, g_loss)``. The check runs
    it once on two tiny networks with plain SGD and compares every weight with the step done right and with
    the usual mistakes. Introduced in lesson 09.
    """
    import keras
    import tensorflow as tf

    function(fn)  # before building anything
    rng, lr = np.random.default_rng(5), 0.5
    real = tf.constant(rng.uniform(-1, 1, (8, 2, 2, 2)), tf.float32)
    z = tf.constant(rng.normal(size=(8, 4)), tf.float32)

    # the step done right, on networks of its own: D's step, then G's gradient through D before and after it
    g, d = _step_networks()
    d_loss, grads, flat = _gradients(g, d, real, z)
    keras.optimizers.SGD(lr).apply_gradients(zip(grads["d"], d.trainable_variables))
    g_after = _flat(_gradients(g, d, real, z)[1]["g"])
    d_right, g_right = -lr * _flat(grads["d"]), -lr * _flat(grads["g"])

    # the learner's step, on fresh copies
    g, d = _step_networks()
    d0, g0 = _flat(d.trainable_variables), _flat(g.trainable_variables)
    result = result_of(fn, g, d, keras.optimizers.SGD(lr), keras.optimizers.SGD(lr), real, z)
    d_change, g_change = _flat(d.trainable_variables) - d0, _flat(g.trainable_variables) - g0

    same = lambda a, b: np.allclose(a, b, rtol=1e-4, atol=1e-6)
    moved_d = "G's update also moved D, towards calling the fakes real (a combined model that is not frozen, in tape "
    d_wrong = [
        (0, "D did not change: apply D's gradients to discriminator.trainable_variables with d_optimizer"),
        (d_right - lr * flat["d_from_g"], moved_d + "form): apply G's gradients to generator.trainable_variables only"),
        (-lr * (flat["d_swapped"] + flat["d_from_g"]), moved_d + "form): apply G's gradients to G's variables only"),
        (
            -lr * flat["d_swapped"],
            "D's labels are swapped: D's loss must push real images towards 1 and fakes towards 0",
        ),
        (-d_right, "D climbs its loss: apply the gradient of the loss itself (the optimizer subtracts it)"),
    ]
    g_wrong = [
        (0, "G did not change: apply G's gradients to generator.trainable_variables with g_optimizer"),
        (
            -lr * flat["g_minimax"],
            "that is the minimax loss log(1 - D(G(z))), which saturates when D rejects the "
            "fakes (lesson 01): use the non-saturating loss, bce(1, D(G(z)))",
        ),
        (-g_right, "G climbs its loss: apply the gradient of G's loss itself"),
        (lr * g_after, "G climbs its loss: apply the gradient of G's loss itself"),
    ]
    if not same(d_change, d_right):
        return no(
            first(d_change, d_wrong, same)
            or "D's update is not the step on bce(1, D(x)) + "
            "bce(0, D(G(z))) for the given real batch and z: use the z you are given, and the loss on D's "
            "logits (from_logits=True)"
        )
    if not (same(g_change, g_right) or same(g_change, -lr * g_after)):
        return no(first(g_change, g_wrong, same) or "G's update is not the step on bce(1, D(G(z))) for z")
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        return no("the weights are right; now return the two losses, (d_loss, g_loss)")
    number("g_loss", result[1])
    if not np.isclose(number("d_loss", result[0]), d_loss, rtol=1e-4):
        return no("the weights are right; return D's loss as computed before its update")
    return yes(
        "D learns real -> 1 and fake -> 0, and G's loss changes G only: each tape's gradients go to its own network"
    )


# ------------------------------------------------------------------ exercise 3: where G starts


@check
def check_generator_start(answer, size: int = 48, upsamplings: int = 3) -> bool:
    """Lesson 09, exercise 3: the side of G's first feature map when ``upsamplings`` stride-2 layers make ``size``.

    Introduced in lesson 09.
    """
    got = number("my_start", answer)
    want = size / 2**upsamplings
    if np.isclose(got, want):
        return yes(
            f"{size} / 2^{upsamplings} = {want:g}: Reshape(({want:g}, {want:g}, channels)); every stride-2 layer "
            "doubles the side"
        )
    if np.isclose(got, size / 2 ** (upsamplings - 1)) or np.isclose(got, size / 2 ** (upsamplings + 1)):
        return no(f"count the stride-2 layers again: there are {upsamplings}, each doubles the side")
    if np.isclose(got, size / upsamplings) or np.isclose(got, size - 2 * upsamplings):
        return no("a stride-2 layer doubles the side (×2 each time), it does not add to it")
    if np.isclose(got, 4):
        return no(f"seed 001's 4×4 gives 4 × 2^{upsamplings} = {4 * 2**upsamplings}, not {size}")
    return no(f"each stride-2 layer doubles the side: start × 2^{upsamplings} must equal {size}")


# ------------------------------------------- worked solutions (laid out by hand, as the lessons' cells are)
# fmt: off


@solved(9, 1, 'exercises.check_clinic_setup(my_setup)', answer='my_setup')
def _exercise_1():
    """diagnose finds four things in broken_setup, and each has a one-line fix:

    * data_range (error): the images are x / 255, in [0, 1], while G's tanh makes [-1, 1]. Scale
      with x / 127.5 - 1.
    * output_activation (error): D ends in a sigmoid and "non_saturating" is a loss on logits, so
      the sigmoid is applied twice. End D with Dense(1), no activation.
    * optimizer (error): G and D share one Adam object, which mixes their moment estimates. Give
      each network its own.
    * optimizer (warning): beta_1 = 0.9, Keras' default; image GANs use Adam(2e-4, beta_1=0.5).

    The networks keep their sizes: removing an activation removes no weights.
    """
    import keras


    def my_setup(pixels):
        generator = keras.Sequential([keras.Input((64,)), keras.layers.Dense(256), keras.layers.LeakyReLU(0.2),
                                      keras.layers.Dense(784, activation="tanh"),
                                      keras.layers.Reshape((28, 28, 1))])
        discriminator = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(),
                                          keras.layers.Dense(256), keras.layers.LeakyReLU(0.2),
                                          keras.layers.Dense(1)])  # a logit: no sigmoid
        images = pixels.astype("float32") / 127.5 - 1.0  # [-1, 1], the range of G's tanh
        d_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)  # one optimizer per network,
        g_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)  # with the DCGAN paper's settings
        return generator, discriminator, images, "non_saturating", d_optimizer, g_optimizer

    return locals()


@solved(9, 2, 'exercises.check_gan_step(my_step)', answer='my_step')
def _exercise_2():
    """Two things are wrong in broken_step.

    1. D's labels are swapped: bce(zeros, real_logits) + bce(ones, fake_logits) teaches D to call
       real images fake. Real -> 1, fake -> 0.
    2. G's gradients are applied to G's *and* D's variables (`both`). G's step then also moves D,
       towards calling the fakes real, which undoes part of D's own step. Apply G's gradients to
       generator.trainable_variables only.

    G's loss, bce(ones, fake_logits), is the non-saturating loss and is right. Taking both
    gradients from one forward pass with a persistent tape is fine too; the code takes both
    gradients before either optimizer changes a weight, and deletes the tape afterwards.
    """
    import keras
    import tensorflow as tf

    bce = keras.losses.BinaryCrossentropy(from_logits=True)


    def my_step(generator, discriminator, d_optimizer, g_optimizer, real, z):
        with tf.GradientTape(persistent=True) as tape:
            fake = generator(z, training=True)
            real_logits = discriminator(real, training=True)
            fake_logits = discriminator(fake, training=True)
            d_loss = bce(tf.ones_like(real_logits), real_logits) + bce(tf.zeros_like(fake_logits), fake_logits)
            g_loss = bce(tf.ones_like(fake_logits), fake_logits)  # non-saturating: fakes towards "real"
        d_vars, g_vars = discriminator.trainable_variables, generator.trainable_variables
        d_grads, g_grads = tape.gradient(d_loss, d_vars), tape.gradient(g_loss, g_vars)
        del tape
        d_optimizer.apply_gradients(zip(d_grads, d_vars))
        g_optimizer.apply_gradients(zip(g_grads, g_vars))  # G's variables only
        return d_loss, g_loss

    return locals()


@solved(9, 3, 'exercises.check_generator_start(my_start, size=48, upsamplings=3)', answer='my_start')
def _exercise_3():
    """A Conv2DTranspose with stride 2 and padding="same" doubles the side; the last one, with
    stride 1, keeps it. Three doublings: s · 2³ = 48, so s = 48 / 8 = 6. The first Dense layer
    then needs 6·6·128 = 4608 outputs, reshaped to (6, 6, 128).
    """
    my_start = 48 // 2**3  # 6: three stride-2 layers double the side three times

    return locals()


@solved(9, 4)
def _exercise_4(images, build_gan, seeds, S3_STEPS, viz, keras, diagnose, generate, EVAL_Z, tf, fid_of, np, GRID_Z,
        data, N_EVAL):
    """Copy S3's discriminator layer by layer (from_config gives fresh layers with the same settings
    and initialisers) and put a BatchNormalization after the second and the third convolution.
    Run diagnose with both values of mixed_batches, then train it both ways for S3_STEPS steps
    from the same start: the seed's loop (one mixed batch) and the course's step (build_gan and
    fit: real and fake batches apart). Run it after section 5.

    What to look at, and how to read it:

    diagnose first: with mixed_batches=True it warns about BatchNorm in D (batchnorm_mixed), which
    it did not do for S3's own D, which has none; with mixed_batches=False that warning goes.

    Then D's outputs. In training, BatchNorm normalises each batch with that batch's own
    statistics. In the seed's loop D's step sees one batch of real and fake images mixed, while
    G's step shows D fakes only: G trains against a D that behaves differently from the one D's
    step trained, as diagnose's message says. With training=False BatchNorm uses its running
    averages, a third behaviour. For the seed's loop, compare D's outputs recorded while it
    trained with its outputs at training=False: a large difference means D's verdicts depend on
    the batch they come in. Then compare FID and the grids, with one seed each: a difference of a
    few dozen FID points can be seed noise (section 6's table shows how far two seeds of the same
    program land apart).
    """
    def s3_discriminator_bn():
        """seeds.s3_discriminator(logits=True) with BatchNorm after its second and third convolutions."""
        stack, convolutions = [keras.Input((28, 28, 1))], 0
        for layer in seeds.s3_discriminator(logits=True).layers:
            stack.append(layer.__class__.from_config(layer.get_config()))
            if isinstance(layer, keras.layers.Conv2D):
                convolutions += 1
                if convolutions in (2, 3):
                    stack.append(keras.layers.BatchNormalization())
        return keras.Sequential(stack, name="s3_discriminator_bn")


    adam = lambda: keras.optimizers.Adam(2e-4, beta_1=0.5)
    for mixed in (True, False):
        print(f"mixed_batches={mixed}:")
        print(diagnose(seeds.s3_generator(), s3_discriminator_bn(), images, "non_saturating",
                       d_optimizer=adam(), g_optimizer=adam(), mixed_batches=mixed))

    keras.utils.set_random_seed(0)
    g_mixed, d_mixed = seeds.s3_generator(), s3_discriminator_bn()
    h_mixed = seeds.s3_train(g_mixed, d_mixed, images, steps=S3_STEPS, beta_1=0.5)  # one mixed D batch
    keras.utils.set_random_seed(0)
    apart = build_gan(seeds.s3_generator(), s3_discriminator_bn(), loss="non_saturating", lr=2e-4, beta_1=0.5,
                      seed=0)
    apart.fit(data.make_dataset(images, 100, seed=0).repeat().take(S3_STEPS), epochs=1, verbose=0)

    late = slice(-S3_STEPS // 4, None)
    for name, g, d in (("seed's loop, mixed batch", g_mixed, d_mixed),
                       ("course's step, apart", apart.generator, apart.discriminator)):
        fakes = generate(g, EVAL_Z).numpy()
        d_real = float(tf.reduce_mean(tf.sigmoid(d(images[-N_EVAL:], training=False))))
        d_fake = float(tf.reduce_mean(tf.sigmoid(d(fakes, training=False))))
        print(f"{name:<25} FID {fid_of(fakes):6.1f}; D(x) {d_real:.2f}, D(G(z)) {d_fake:.2f} (training=False)")
    print(f"seed's loop while training (last quarter): D(x) {np.mean(h_mixed['d_real'][late]):.2f}, "
          f"D(G(z)) {np.mean(h_mixed['d_fake'][late]):.2f}")
    viz.show_grids({"seed's loop, mixed batch": generate(g_mixed, GRID_Z).numpy(),
                    "course's step, apart": generate(apart.generator, GRID_Z).numpy()}, ncols=6, size=4)


@solved(9, 5)
def _exercise_5(images, benchmark, SLICE_SECONDS, fid_of, Z_DIM, models, seeds, keras, generate, EVAL_Z):
    """Count first, then race. models.forward_macs gives the multiply-adds of one forward pass per
    image; a training step costs about 4 G + 8 D of them (lesson 10's cost model,
    models.step_macs). Then race the narrow S1, the seed's S1 and lesson 02's MLP for two
    minutes each, in turns, and score each with fid_of on EVAL_Z. Run it after section 6; it takes
    about seven minutes with the scoring.

    What to look at, and how to read it:

    Which network dominates: compare 4·G with 8·D for each S1. With the seed's widths G's
    256-channel transposed convolution at 28×28 dominates (section 4). With (64, 32) that layer
    shrinks the most; see whether G still outweighs D, and which layer of models.describe now
    holds most of G's multiply-adds. The Dense stack's parameters do not change with the widths,
    so the parameter count tells you little about the cost here.

    The race: compare FIDs at equal time, and read the steps column with them. Is the narrow S1
    ahead of the MLP after two minutes? Section 6 found the MLP ahead of the fixed S1 and S3
    after 40 seconds and after ten minutes, making hundreds of times more steps than S1 and about
    twenty times more than S3; see whether the narrow S1's extra steps close that gap. One seed
    each: a small difference is not a ranking.
    """
    RACE = {
        "S1, DCGAN's widths (64, 32)": lambda: seeds.s1_fixed(Z_DIM, channels=(64, 32), seed=0),
        "S1, the seed's widths (128, 256)": lambda: seeds.s1_fixed(Z_DIM, seed=0),
        "lesson 02's MLP": lambda: seeds.s0_fixed(Z_DIM, seed=0),
    }
    race_gans = {}
    for name, build in RACE.items():
        keras.utils.set_random_seed(0)
        race_gans[name] = build()
        g_macs = models.forward_macs(race_gans[name].generator)
        d_macs = models.forward_macs(race_gans[name].discriminator)
        print(f"{name:<33} G {g_macs / 1e6:7.2f} M, D {d_macs / 1e6:6.2f} M multiply-adds per forward pass; "
              f"a step ≈ 4 G + 8 D = {(4 * g_macs + 8 * d_macs) / 1e6:7.1f} M per image")
    print(models.describe(race_gans["S1, DCGAN's widths (64, 32)"].generator))
    state5 = benchmark.race(race_gans, images, 120, slice_seconds=SLICE_SECONDS, batch_size=128)
    for name, gan in race_gans.items():
        fid = fid_of(generate(gan.generator, EVAL_Z).numpy())
        print(f"{name:<33} {state5[name]['steps']:>6} steps in {state5[name]['seconds']:.0f} s, FID {fid:.1f}")


@solved(9, 6)
def _exercise_6(diagnose, my_generator, my_discriminator, my_images, my_loss, my_d_optimizer, my_g_optimizer):
    """Call diagnose on the six things your training code already has: G, D, the training images as
    they go into training, the loss, and the two optimizers. Pass combined= if your code trains G
    through a combined Keras model, and mixed_batches=True if D sees real and fake images in one
    batch.

    What to look at, and how to read it:

    Read the findings by severity. An error is a bug that training will not fix (wrong range,
    a sigmoid twice, swapped signs, a shared optimizer); a warning is a setting known to cause
    trouble; an info is something that works but has a better form. Each finding says what it
    found and the fix.

    Agreeing with a finding means checking it against your code, not accepting it: diagnose sees
    only what one call on a sample shows. Its warnings are rules of thumb (the optimizer
    warning's beta_1 = 0.5 becomes 0 with a Wasserstein loss, as its fix says), and it knows
    whether D sees mixed batches only from mixed_batches=. The lines "no findings" and "skipped"
    at the end say what was checked and what was not; a skipped check is not a pass. The
    checklist of section 7 lists what no check can catch.
    """
    report = diagnose(my_generator, my_discriminator, my_images, my_loss,
                      d_optimizer=my_d_optimizer, g_optimizer=my_g_optimizer,
                      mixed_batches=False)  # True if D sees real and fake images in one batch
    print(report)
