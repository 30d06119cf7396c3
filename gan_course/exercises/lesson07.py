"""Lesson 07's exercises: each check beside its worked solution.

Used in lesson 07.
"""

from __future__ import annotations

import numpy as np

from gan_course.exercises._core import check, no, number, run, solved, yes


@check
def check_class_log_ratio(fn) -> bool:
    """Lesson 07: ``fn(phi, v_data, v_g, y)`` must return log p_data(y | x) - log p_g(y | x) for every image.

    Both class posteriors are softmaxes over the same features: p(y | x) = exp(v_y·phi) / Σ_k exp(v_k·phi),
    with class vectors v_data (n_classes, d) for the real data and v_g (n_classes, d) for the generator.
    phi (N, d) are the features of N images, y (N,) the requested classes; the result has shape (N,)
    or (N, 1). It must stay finite when the logits v·phi are in the thousands. Introduced in lesson 07.
    """
    rng = np.random.default_rng(7)
    n, d, k = 6, 5, 4
    phi = rng.normal(size=(n, d))
    v_data, v_g = rng.normal(size=(k, d)), rng.normal(size=(k, d))
    y = np.array([0, 3, 1, 2, 3, 0])
    got = run(fn, phi.copy(), v_data.copy(), v_g.copy(), y.copy())
    logits_data, logits_g = phi @ v_data.T, phi @ v_g.T  # (N, n_classes)
    rows = np.arange(n)
    if got.shape == (n, k):
        return no(
            f"that is the log ratio for every class of every image, shape {got.shape}: keep only the class asked "
            "for, column y[i] of row i"
        )
    if got.size != n:
        return no(f"return one number per image, shape ({n},) or ({n}, 1); got shape {got.shape}")
    got = got.reshape(n)

    def log_softmax(logits, axis=1):
        top = logits.max(axis=axis, keepdims=True)
        return logits - top - np.log(np.exp(logits - top).sum(axis=axis, keepdims=True))

    want = log_softmax(logits_data)[rows, y] - log_softmax(logits_g)[rows, y]
    close = lambda a, b: np.allclose(a, b, rtol=1e-5, atol=1e-8)
    if close(got, want):
        big = run(fn, 300 * phi, v_data.copy(), v_g.copy(), y.copy()).reshape(-1)
        want_big = log_softmax(300 * logits_data)[rows, y] - log_softmax(300 * logits_g)[rows, y]
        if big.shape != want_big.shape or not np.all(np.isfinite(big)):
            return no(
                "right for these features, but with features 300 times larger (logits in the thousands) your "
                "function returns inf or nan: exp overflows. Subtract each row's largest logit before exp, or use "
                "scipy.special.logsumexp"
            )
        if not close(big, want_big):
            return no("right for small logits, wrong for large ones: check how you keep exp from overflowing")
        return yes(
            "log p_data(y|x) - log p_g(y|x) = (v_data_y - v_g_y)·φ(x) + [log Σ_k exp(v_g_k·φ(x)) - "
            "log Σ_k exp(v_data_k·φ(x))]. The first term is the only one that depends on y: an inner product of a "
            "class vector with the features, which is the projection term e_y·φ(x) with e_y = v_data_y - v_g_y. "
            "The bracket depends on x alone, so it joins log p_data(x)/p_g(x) in the unconditional head "
            "w·φ(x) + b (a linear head only approximates it; Miyato & Koyama allow any function of φ(x) there)"
        )
    projection = np.sum((v_data[y] - v_g[y]) * phi, axis=1)
    if close(got, projection):
        return no(
            "that is only the part that depends on y. Each softmax also divides by its own normaliser "
            "Σ_k exp(v_k·φ(x)), and the data's and the generator's differ: they do not cancel in the ratio"
        )
    if close(got, -want):
        return no("the sign: the ratio is p_data over p_g, so log p_data(y|x) comes first")
    if close(got, np.exp(want)):
        return no("that is the ratio itself; return its logarithm")
    if close(got, log_softmax(logits_data)[rows, y]):
        return no("that is log p_data(y|x) alone: subtract log p_g(y|x), computed the same way with v_g")
    if close(got, log_softmax(logits_data, axis=0)[rows, y] - log_softmax(logits_g, axis=0)[rows, y]):
        return no(
            "you normalised over the images (axis 0); p(y|x) sums to 1 over the classes of one image: normalise "
            "each row of phi @ v.T over its classes (axis 1)"
        )
    if close(got, logits_data[rows, y] - log_softmax(logits_g)[rows, y]) or close(
        got, log_softmax(logits_data)[rows, y] - logits_g[rows, y]
    ):
        return no("one of the two softmaxes lost its normaliser: log p(y|x) = v_y·φ(x) - log Σ_k exp(v_k·φ(x))")
    return no(
        "write log p(y|x) = v_y·φ(x) - log Σ_k exp(v_k·φ(x)) for the data's v and for the generator's, with "
        "logits = phi @ v.T (one row per image, one column per class), take column y[i] of row i, and subtract"
    )


@check
def check_label_parameters(
    one_hot, embedding, n_classes: int = 10, embed_dim: int = 50, units: int = 7 * 7 * 64, z_dim: int = 100
) -> bool:
    """Lesson 07: parameters a label adds to the conditional lean generator, as a one-hot vector and
    as ``Embedding(n_classes, embed_dim)``.

    The label is joined to z before the first ``Dense(units, use_bias=False)`` layer (units =
    7·7·64 for the lean generator), so a one-hot label adds n_classes·units weights and an embedding
    adds its table, n_classes·embed_dim, plus embed_dim·units. Introduced in lesson 07.
    """
    got_oh, got_emb = number("my_one_hot", one_hot), number("my_embedding", embedding)
    want_oh = n_classes * units
    want_emb = n_classes * embed_dim + embed_dim * units
    if got_oh == want_oh and got_emb == want_emb:
        default = n_classes * n_classes + n_classes * units
        return yes(
            f"one-hot {want_oh:,}, Embedding({n_classes}, {embed_dim}) {want_emb:,}. A label takes only "
            f"{n_classes} values, so whatever its size, all it can add to the first layer is {n_classes} vectors "
            f"of {units}: {want_oh:,} numbers. The larger embedding costs {want_emb / want_oh:.1f} times as much "
            f"and can express nothing more; the package's default, embed_dim = n_classes, costs {default:,}"
        )
    if got_oh == want_emb and got_emb == want_oh:
        return no("the two answers are swapped: which design has a table of its own?")
    if got_oh == (z_dim + n_classes) * units or got_emb == (z_dim + embed_dim) * units + n_classes * embed_dim:
        return no(f"count only what the label adds: z's {z_dim}·{units} weights are there without a label too")
    if got_oh == want_oh + units or got_emb == want_emb + units:
        return no(
            "this Dense layer has no bias (use_bias=False, BatchNorm follows), and a bias would not grow with "
            "the label anyway"
        )
    if got_oh != want_oh:
        if got_oh in (0, n_classes):
            return no(
                f"a one-hot vector has no parameters of its own, but each of its {n_classes} entries is one more "
                f"input of the first Dense layer, with {units} weights"
            )
        return no(
            f"a Dense layer from a inputs to b outputs has a·b weights; a one-hot label adds {n_classes} inputs "
            f"to G's first Dense layer, which has {units} outputs"
        )
    if got_emb == embed_dim * units:
        return no(f"add the embedding table itself: {n_classes} rows of {embed_dim} numbers")
    if got_emb == n_classes * embed_dim:
        return no(
            f"the table is only the start: its {embed_dim} outputs each connect to all {units} units of the "
            "first Dense layer"
        )
    return no(
        f"Embedding({n_classes}, {embed_dim}) holds a table of {n_classes}·{embed_dim} numbers and adds "
        f"{embed_dim} inputs to the first Dense layer ({units} outputs): add the two"
    )


@check
def check_ignored_label_fidelity(all_classes, only_sneakers, n_classes: int = 10, accuracy: float = 0.913) -> bool:
    """Lesson 07: the class fidelity of a generator that ignores its label, every class requested equally often.

    ``all_classes``: it draws every class equally often; ``only_sneakers``: it draws one class only.
    Both are 1 / n_classes: P(drawn = requested) = Σ_k P(requested k)·P(drawn k) = (1/n)·Σ_k P(drawn k).
    ``accuracy`` is the classifier's accuracy on real images, for the hint. Introduced in lesson 07.
    """
    values = [number("my_all_classes", all_classes), number("my_only_sneakers", only_sneakers)]
    want = 1 / n_classes
    close = lambda v, target: np.isclose(v, target, rtol=0.02, atol=1e-9)
    got_all, got_one = values
    if close(got_all, want) and close(got_one, want):
        return yes(
            f"{want:.0%} both times: P(drawn = requested) = Σ_k P(requested k)·P(drawn k) = (1/{n_classes})·Σ_k "
            f"P(drawn k) = 1/{n_classes}, whatever G draws and whatever the classifier gets wrong. FID tells the "
            "two apart, since it compares p_g(x) with p_data(x): (b) draws one class and scores badly, while (a) "
            "draws the right mix and can score as well as a generator that obeys its labels. Only a score that "
            "looks at the label catches (a)"
        )
    if any(close(v, 100 * want) for v in values):
        return no("give the share as a fraction between 0 and 1 (0.25 for 25 %), not a percentage")
    if any(close(v, accuracy) for v in values):
        return no(
            "that is the classifier's accuracy on real images, the most a *perfect* generator can expect; "
            "this one does not even try"
        )
    if got_one == 0:
        return no(f"the requests for sneakers, one in {n_classes}, are all met by a generator that draws only sneakers")
    if got_all == 0:
        return no("it cannot miss every time: whatever it draws is, now and then, the class that was asked for")
    if got_one == 1 or got_all == 1:
        return no(
            "class fidelity asks whether an image is the class that was *requested*, not whether it is a good image"
        )
    if any(close(v, want**2) for v in values):
        return no(
            f"that is one class's term, P(asked k)·P(drew k) = 1/{n_classes}²; add the terms of all {n_classes} classes"
        )
    return no(
        "the image does not depend on the request: P(drawn = requested) = Σ_k P(requested k)·P(drawn k), with "
        f"P(requested k) = 1/{n_classes} for every k"
    )


# ------------------------------------------- worked solutions (laid out by hand, as the lessons' cells are)
# fmt: off


@solved(7, 1, 'exercises.check_class_log_ratio(my_log_ratio)', answer='my_log_ratio')
def _exercise_1():
    """With logits l = phi @ v.T (one row per image, one column per class), a softmax posterior is
    log p(y|x) = l_y - log Σ_k exp(l_k). Its normaliser is computed stably by subtracting each
    row's largest logit m first: log Σ_k exp(l_k) = m + log Σ_k exp(l_k - m), so no exp ever
    sees a number above 0 (scipy.special.logsumexp does the same).

    Written out, the log ratio is (v_data_y - v_g_y)·phi(x) + [log Σ_k exp(v_g_k·phi(x)) -
    log Σ_k exp(v_data_k·phi(x))]. Only the first term depends on y, and it is an inner product
    of a class vector with the features: the projection term e_y·phi(x), with
    e_y = v_data_y - v_g_y. The bracket depends on x alone; with log p_data(x)/p_g(x) it is what
    the unconditional head w·phi(x) + b must learn (only approximately, being linear). That is
    why a projection D puts the label at its last layer.
    """
    import numpy as np


    def log_posterior(phi, v, y):
        logits = np.asarray(phi, dtype=np.float64) @ np.asarray(v, dtype=np.float64).T  # (N, n_classes)
        top = logits.max(axis=1, keepdims=True)
        normaliser = top[:, 0] + np.log(np.exp(logits - top).sum(axis=1))  # log Σ_k exp(l_k), without overflow
        return logits[np.arange(len(logits)), y] - normaliser  # log p(y[i] | x_i), shape (N,)


    def my_log_ratio(phi, v_data, v_g, y):
        return log_posterior(phi, v_data, y) - log_posterior(phi, v_g, y)

    return locals()


@solved(
    7,
    2,
    'exercises.check_label_parameters(my_one_hot, my_embedding, n_classes=10, embed_dim=50, units=7 * 7 * 128)',
    answer=('my_one_hot', 'my_embedding'),
)
def _exercise_2():
    """The first layer is Dense(7·7·128 = 6272, use_bias=False). Whatever form the label takes, it
    enters as extra inputs to that layer, and each input has one weight per output unit.

    (a) One-hot: 10 inputs, 10·6272 = 62,720 weights, and no table.
    (b) Embedding(10, 50): a table of 10·50 = 500 numbers, then 50 inputs with
        50·6272 = 313,600 weights; 314,100 in all, 5.0 times as many.

    There is no bias to count: the layer has none (BatchNorm follows), and a bias would not grow
    with the label anyway. A label takes only 10 values, so all any design can add to the first
    layer is 10 vectors of 6272 numbers, which one-hot gives directly; the embedding's 50-wide
    step in between can express nothing more. Check: conditional_lean_generator(width=128,
    embed_dim=50).count_params() minus models.dcgan_lean_generator(width=128).count_params() is
    314,100.
    """
    n_classes, embed_dim, units = 10, 50, 7 * 7 * 128
    my_one_hot = n_classes * units  # 62,720
    my_embedding = n_classes * embed_dim + embed_dim * units  # 500 + 313,600 = 314,100

    return locals()


@solved(
    7,
    3,
    'exercises.check_ignored_label_fidelity(my_all_classes, my_only_sneakers, n_classes=10)',
    answer=('my_all_classes', 'my_only_sneakers'),
)
def _exercise_3():
    """If the image does not depend on the request, the two are independent:

        P(drawn = requested) = Σ_k P(requested k)·P(drawn k) = (1/10)·Σ_k P(drawn k) = 1/10

    because every class is requested with probability 1/10, and the P(drawn k) add up to 1.

    (a) All ten classes equally often: 0.1.
    (b) Only sneakers: it is right exactly when a sneaker was asked for, 1 time in 10: 0.1 again.

    The classifier's mistakes do not change this: whatever it calls an image, that call does not
    depend on the request either. FID cannot see this failure, because it compares images and
    never looks at the labels.
    """
    n_classes = 10
    my_all_classes = 1 / n_classes  # Σ_k (1/10)·(1/10) over ten classes
    my_only_sneakers = 1 / n_classes  # right only when a sneaker was requested

    return locals()


@solved(7, 4)
def _exercise_4(EVAL_LABELS, classifier, N_CLASSES, CLASS_NAMES, conditional, fakes, real_features, np, fidelity,
        metrics, fake_features, SEEDS):
    """Score the projection model's images against shuffled requests, as if each image had been drawn
    for a random other label, and compute their FID. Run it after section 8.

    What to look at, and how to read it:

    Against shuffled labels the fidelity should fall to about 1/10, exercise 3's answer: the image
    no longer depends on the label it is scored against. It will not be exactly 10 %: one shuffle
    is one random draw, and the images' classes are not spread exactly evenly.

    FID is one number for both cases, because it is computed from the images alone and the images
    did not change. A generator that ignores its labels can therefore have as good an FID as this
    one. Only a score that looks at the label, such as class fidelity, catches it.
    """
    key = f"projection, seed {SEEDS[0]}"
    shuffled = np.random.default_rng(0).permutation(EVAL_LABELS)
    as_if_ignored = conditional.class_fidelity(classifier, fakes[key], shuffled, N_CLASSES, CLASS_NAMES)
    print(f"class fidelity against the labels asked for: {fidelity[key].overall:.1%}")
    print(f"class fidelity against shuffled labels:      {as_if_ignored.overall:.1%}")
    print(f"FID of these images: {metrics.fid_from_features(real_features, fake_features[key]):.1f}")


@solved(7, 5)
def _exercise_5(counts, np, N_CLASSES, fake_features, classifier, fakes, real_features, metrics, SEEDS):
    """Re-mix the unconditional model's images so that every class has its share among the real test
    images, as large a subset as the classes allow, and compare its FID with that of a random
    subset of the same size. The same size matters: FID depends on the number of images
    (lesson 05), so also score a random subset of that size of the projection model's images. Run
    it after section 8.

    What to look at, and how to read it:

    The share of the FID gap that is the class mix is how much the re-mixed subset gains over the
    random subset of the same model. How much of the gap to the conditional model is left is the
    re-mixed subset against the projection model's subset of the same size. Read the three
    numbers in that order.

    Two cautions. The re-mix trusts the classifier's verdicts, which are wrong about one time in
    ten on real images, more on generated ones. And the subset is smaller than N_EVAL, so every
    FID here is biased upwards (lesson 05): compare the three with each other, not with
    section 8's table. One seed and one subset each: draw other subsets (another rng seed) to see
    how much the numbers move on their own.
    """
    key = f"unconditional, seed {SEEDS[0]}"
    verdicts = classifier.logits(fakes[key]).argmax(1)
    target = counts["real test images"] / counts["real test images"].sum()  # the real class mix
    available = np.bincount(verdicts, minlength=N_CLASSES)
    size = int(np.floor(np.min(available / target)))  # the largest subset the scarcest class allows
    per_class = np.floor(target * size).astype(int)
    rng = np.random.default_rng(0)
    remix = np.concatenate([rng.choice(np.flatnonzero(verdicts == k), per_class[k], replace=False)
                            for k in range(N_CLASSES)])
    random_subset = rng.choice(len(verdicts), len(remix), replace=False)
    projection_subset = rng.choice(len(verdicts), len(remix), replace=False)
    subsets = {"unconditional, re-mixed": fake_features[key][remix],
               "unconditional, random subset": fake_features[key][random_subset],
               "projection, random subset": fake_features[f"projection, seed {SEEDS[0]}"][projection_subset]}
    for name, subset in subsets.items():
        print(f"{name:<30} {len(subset)} images, FID {metrics.fid_from_features(real_features, subset):.1f}")


@solved(7, 6)
def _exercise_6(SEEDS, images, RACE_SECONDS, display, benchmark, SLICE_SECONDS, labels, sample, EVAL_Z, EVAL_LABELS,
        Markdown, BUILDERS, build_gan, R, DATASET, real_features, experiments, Z_DIM, N_CLASSES, keras, metrics,
        classifier, conditional):
    """Race two variants beside fresh copies of the lesson's two designs, so that all four see the
    same machine: the concatenation model with embed_dim=50, and the projection model at half the
    learning rate. Then score them on section 7's noise and labels. Eight runs of RACE_SECONDS,
    plus the scoring: longer than section 5. Run it after section 8.

    What to look at, and how to read it:

    Compare each variant with its own design in the same race: concat with embed_dim 50 against
    concat, projection at half the rate against projection. Do not compare across races: the
    machine's speed changes, and so do the steps each run gets.

    A change counts only if it is larger than the ± of both rows, and with two seeds that spread
    is itself rough. Check the steps column too: the wider embedding costs a little per step, a
    lower learning rate nothing, so a difference in steps explains part of a difference in FID.
    """
    VARIANTS = {  # name: (build G and D, learning-rate factor)
        "concat": (BUILDERS["concat"], 1.0),
        "concat, embed_dim 50": (lambda: (conditional.conditional_lean_generator(Z_DIM, N_CLASSES, embed_dim=50),
                                          conditional.conditional_lean_discriminator(N_CLASSES, mode="concat")),
                                 1.0),
        "projection": (BUILDERS["projection"], 1.0),
        "projection, half lr": (BUILDERS["projection"], 0.5),
    }
    gans6, runs6 = {}, {}
    for name, (build, factor) in VARIANTS.items():
        for seed in SEEDS:
            keras.utils.set_random_seed(seed)
            key = f"{name}, seed {seed}"
            gans6[key] = build_gan(*build(), loss=R.gan_loss(), g_lr=R.g_lr * factor, d_lr=R.d_lr * factor,
                                   beta_1=R.beta_1, beta_2=R.beta_2, ema=R.ema, seed=seed)
            runs6[key] = (name, seed)
    state6 = benchmark.race(gans6, images, RACE_SECONDS, slice_seconds=SLICE_SECONDS, batch_size=R.batch_size,
                            labels=labels)
    rows6 = []
    for key, gan in gans6.items():
        name, seed = runs6[key]
        images6 = sample(gan, EVAL_Z, EVAL_LABELS)
        rows6.append({"method": name, "setting": DATASET, "seed": seed, "steps": state6[key]["steps"],
                      "fid": metrics.fid_from_features(real_features, classifier.features(images6)),
                      "fidelity": conditional.class_fidelity(classifier, images6, EVAL_LABELS, N_CLASSES).overall})
    display(Markdown(experiments.format_table(experiments.summarize(rows6), {
        "FID": "{fid:.1f} ± {fid_std:.1f}", "class fidelity": "{fidelity:.1%} ± {fidelity_std:.1%}",
        "steps": "{steps:.0f}"})))


@solved(7, 7)
def _exercise_7(real, fidelity, CLASS_NAMES, SEEDS):
    """Set DATASET = "mnist" in the Parameters cell and run the whole lesson. The first run downloads
    MNIST and trains the course's MNIST classifier (a few minutes). The cell below, at the end,
    prints the judge's accuracy per digit on real test images, and the projection model's
    fidelity per requested digit with the digit most often drawn instead.

    What to look at, and how to read it:

    Read the "most often drawn instead" column: which digits are confused, and are they the pairs
    whose strokes overlap? Then compare the worst digit's fidelity with the judge's own accuracy
    on real images of that digit. Run the cell on Fashion-MNIST first: it shows the generator's
    worst class there beside the judge's accuracy on real images of it. See whether MNIST's worst
    digit is also the judge's weakest, and whether it sits as far below the judge's accuracy on real images of it.
    """
    print(real)  # the judge on real test images, digit by digit
    print(fidelity[f"projection, seed {SEEDS[0]}"])  # the generator, per requested digit
    k, share = fidelity[f"projection, seed {SEEDS[0]}"].worst
    print(f"worst digit {CLASS_NAMES[k]}: {share:.1%} of the requests met; "
          f"the judge recognises {real.per_class[k]:.1%} of the real ones")
