"""Lesson 08's exercises: each check beside its worked solution.

Used in lesson 08.
"""

from __future__ import annotations

import numpy as np

from gan_course.exercises._core import check, no, number, run, solved, yes


@check
def check_overfitting_signals(fn) -> bool:
    """Lesson 08: ``fn(train_logits, heldout_logits)`` must return ADA's r_t and D's train / held-out gap.

    r_t = mean(sign(train_logits)); gap = mean(sigmoid(train_logits)) - mean(sigmoid(heldout_logits)),
    as ``transfer.DiscriminatorOverfitting`` logs them for a BCE loss. Introduced in lesson 08.
    """
    train = np.array([2.0, 1.0, -0.5, 3.0, 0.1, -2.0, 4.0, 0.0, 1.5, 2.5])
    heldout = np.array([0.5, -1.0, -0.2, 1.0, -3.0, 0.3, 0.0, -0.7])
    got = run(fn, train.copy(), heldout.copy())
    if got.size != 2:
        return no(f"return two numbers, r_t and the gap; got {got.size} value(s)")
    rt, gap = (float(v) for v in got.reshape(-1))
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    want_rt = float(np.mean(np.sign(train)))
    want_gap = float(np.mean(sigmoid(train)) - np.mean(sigmoid(heldout)))
    close = lambda a, b: np.isclose(a, b, rtol=1e-6, atol=1e-9)  # noqa: E731
    rt_ok, gap_ok = close(rt, want_rt), close(gap, want_gap)
    if rt_ok and gap_ok:
        return yes(
            f"r_t = {want_rt:.2f}, gap = {want_gap:.3f}. r_t counts D's votes, not its confidence: one logit of +4 "
            "weighs no more than +0.1. The gap compares D's outputs on real images only, so it grows when D "
            "has learned *which* real images it trained on, not what real images look like"
        )
    if not rt_ok:
        if close(rt, np.mean(train > 0)) or close(rt, np.mean(train >= 0)):
            return no("that is the share of positive logits; sign() also counts each negative one as -1")
        if close(rt, np.mean(sigmoid(train))):
            return no("r_t takes the sign of each logit, not the probability sigmoid(logit)")
        if close(rt, np.mean(train)):
            return no("r_t averages the *sign* of each logit (+1, 0 or -1), not the logit itself")
        if close(rt, np.mean(np.sign(np.concatenate([train, heldout])))):
            return no("r_t uses D's outputs on its training images only")
        return no("r_t = the mean of np.sign(train_logits)")
    if close(gap, -want_gap):
        return no("the gap is train minus held-out: positive when D favours its own training images")
    if close(gap, np.mean(train) - np.mean(heldout)):
        return no("read the logits as probabilities first: sigmoid(logit), then average")
    if close(gap, sigmoid(np.mean(train)) - sigmoid(np.mean(heldout))):
        return no("average the probabilities, not the logits: mean(sigmoid(l)), not sigmoid(mean(l))")
    return no("gap = mean(sigmoid(train_logits)) - mean(sigmoid(heldout_logits))")


@check
def check_freezed_parameters(frozen, training, channels: int = 1, widths=(32, 64), kernel: int = 4) -> bool:
    """Lesson 08: parameters of the lean discriminator that ``freeze_lower_blocks(d, 1)`` freezes, and the rest.

    The first convolution (kernel·kernel·channels·widths[0] weights plus widths[0] biases) is frozen;
    the second convolution and the Dense head on the 7·7·widths[1] features still train.
    Introduced in lesson 08.
    """
    got_frozen, got_training = number("my_frozen", frozen), number("my_training", training)
    first = kernel * kernel * channels * widths[0] + widths[0]
    second = kernel * kernel * widths[0] * widths[1] + widths[1]
    head = 7 * 7 * widths[1] + 1
    if got_frozen == first and got_training == second + head:
        return yes(
            f"{first:,} frozen, {second + head:,} training: FreezeD keeps only {first / (first + second + head):.1%} "
            "of this D fixed. The first layer's filters (edges, blobs) carry over between domains; in a deeper D "
            "one freezes more blocks, and the share grows"
        )
    if got_frozen == second + head and got_training == first:
        return no("the two answers are swapped: the *first* convolution is frozen, the rest trains")
    if got_frozen == first - widths[0] or got_training == second + head - widths[1] - 1:
        return no("count the biases too: one per output channel of each convolution, one for the Dense")
    if got_frozen == first + second:
        return no("k = 1 freezes one convolution, the first; the second still trains")
    if got_frozen == second:
        return no("the frozen block is the first convolution (on the image), not the second")
    if got_frozen != first:
        return no(
            f"a Conv2D with a {kernel}x{kernel} kernel from C_in to C_out channels has {kernel}·{kernel}·C_in·C_out "
            "weights plus C_out biases; the first has C_in = 1"
        )
    return no(
        f"the rest: the second convolution ({widths[0]} -> {widths[1]} channels) and the Dense head on the "
        f"flattened 7·7·{widths[1]} features, each with biases"
    )


# ------------------------------------------- worked solutions (laid out by hand, as the lessons' cells are)
# fmt: off


@solved(8, 1, 'exercises.check_overfitting_signals(my_overfitting_signals)', answer='my_overfitting_signals')
def _exercise_1():
    """r_t = E[sign D(x)] over D's training images. Each logit votes +1 (real), -1 (fake) or 0, and
    r_t is the mean vote: it counts votes, not confidence, so a logit of +4 weighs no more than
    +0.1.

    The gap reads each logit as a probability, sigmoid(l), averages over each set, and subtracts
    held-out from train. It is positive when D rates the real images it trained on as more real
    than new real images of the same classes: D has memorised which images it saw. Average the
    probabilities, not the logits: the sigmoid of a mean is not the mean of the sigmoids.
    """
    import numpy as np


    def my_overfitting_signals(train_logits, heldout_logits):
        train_logits = np.asarray(train_logits, dtype=np.float64)
        heldout_logits = np.asarray(heldout_logits, dtype=np.float64)

        def sigmoid(v):
            return 1 / (1 + np.exp(-v))

        r_t = np.mean(np.sign(train_logits))
        gap = np.mean(sigmoid(train_logits)) - np.mean(sigmoid(heldout_logits))
        return r_t, gap

    return locals()


@solved(8, 2, 'exercises.check_freezed_parameters(my_frozen, my_training)', answer=('my_frozen', 'my_training'))
def _exercise_2():
    """A Conv2D with a k×k kernel from C_in to C_out channels has k·k·C_in·C_out weights and C_out
    biases; the image size does not matter. A Dense layer from a inputs to b outputs has a·b + b.

    * First convolution (frozen by freeze_lower_blocks(d, 1)): 4·4·1·32 + 32 = 544.
    * Second convolution: 4·4·32·64 + 64 = 32,832.
    * Dense head on the 7·7·64 = 3136 features: 3136 + 1 = 3137.

    Frozen: 544. Still training: 32,832 + 3137 = 35,969. FreezeD keeps only 1.5 % of this D fixed:
    the first layer's filters (edges, blobs), which carry over between domains.
    """
    first = 4 * 4 * 1 * 32 + 32  # 544
    second = 4 * 4 * 32 * 64 + 64  # 32,832
    head = 7 * 7 * 64 + 1  # 3,137
    my_frozen = first
    my_training = second + head  # 35,969

    return locals()


@solved(8, 3)
def _exercise_3(new_train, build_gan, trained, augment, order, gan_course, Z_DIM, STEPS, viz, plt, models, R, sample,
        grid_z, domain_fid, data):
    """Augment the real images in the data pipeline, before they reach fit, and leave D unchanged, so
    that generated images are never augmented. Train from scratch on 500 images for STEPS steps
    with section 4's settings, and show the samples beside section 5's run that augments both
    (from scratch + DiffAugment, 500 images, seed 0). Run it after section 6.

    What to look at, and how to read it:

    Look for the augmentation in G's samples: images shifted with a grey band at one edge, grey
    squares (cutout), changed brightness or contrast. If only the real images are augmented, D can
    tell real from fake by the augmentation itself, and G is rewarded for drawing it: the
    augmentation "leaks" into the generated images. Augmenting the fakes too, in both steps,
    removes that tell, and D must judge what the image shows. The right-hand grid is that case.

    FID is scored on the generator's samples against clean real images, so leaked augmentations
    raise it; the grids show why.
    """
    n = 500
    real_augment = augment.DiffAugment(seed=0)


    def augment_real(batch):
        return real_augment(batch, training=True)


    images_n = new_train[order[:n]]
    only_real = data.make_dataset(images_n, R.batch_size, seed=0).repeat().map(augment_real)
    gan_course.setup(0, verbose=False)
    real_only = build_gan(models.dcgan_lean_generator(Z_DIM), models.dcgan_lean_discriminator(), loss=R.gan_loss(),
                          g_lr=R.g_lr, d_lr=R.d_lr, beta_1=R.beta_1, beta_2=R.beta_2, ema=R.ema, seed=0)
    real_only.fit(only_real, steps_per_epoch=STEPS, epochs=1, verbose=0)
    both = trained[("scratch", 0, True, n, 0)]  # section 5: DiffAugment on real and generated images
    viz.show_grids({"real images": images_n[:16],
                    "only the real images augmented": sample(real_only.sampler, grid_z),
                    "both augmented (section 5)": sample(both.sampler, grid_z)}, ncols=4, size=3.2)
    plt.show()
    print(f"FID: only real augmented {domain_fid(real_only.sampler):.1f}, both {domain_fid(both.sampler):.1f}")


@solved(8, 4)
def _exercise_4(new_train, build_gan, heldout_real, EPOCHS, gan_course, order, Z_DIM, transfer, np, rows, R, models,
        STEPS, domain_fid, data, augment):
    """Train from scratch on 100 images without augmentation, with DiscriminatorOverfitting logging
    r_t every epoch and a second callback that stops the first fit once r_t exceeds 0.6. Then
    build a new GAN from the same G and D with DiffAugment in front of D and train the remaining
    epochs. The new GAN starts with fresh optimizer state and a fresh moving average of G, which
    is a cost of switching this way. Run it after section 6.

    What to look at, and how to read it:

    First read when it switched. Section 4's r_t curve jumps from one check to the next as D and
    G take turns to win, so a single check above 0.6 can be chance;
    the printed r_t values show whether the switch came early or late, and whether it came at
    all (then no augmentation was used). ADA itself moves a probability up and down in small
    steps instead of switching once.

    Then compare the two FIDs. They are one seed each; section 6's table shows how far apart two
    seeds of the same method land, and a smaller difference says nothing. "Beats" needs
    more seeds.
    """
    import keras


    class StopWhenSure(keras.callbacks.Callback):
        """Stop fit once D's r_t, which DiscriminatorOverfitting (earlier in the list) logs, exceeds threshold."""

        def __init__(self, threshold=0.6):
            super().__init__()
            self.threshold = threshold

        def on_epoch_end(self, epoch, logs=None):
            if logs["d_rt"] > self.threshold:
                self.model.stop_training = True


    def switched_on(n, seed=0, threshold=0.6):
        gan_course.setup(seed, verbose=False)
        settings = dict(loss=R.gan_loss(), g_lr=R.g_lr, d_lr=R.d_lr, beta_1=R.beta_1, beta_2=R.beta_2, ema=R.ema,
                        seed=seed)
        images_n = new_train[order[:n]]
        dataset = data.make_dataset(images_n, min(R.batch_size, n), seed=seed).repeat()
        gan = build_gan(models.dcgan_lean_generator(Z_DIM), models.dcgan_lean_discriminator(), **settings)
        monitor = transfer.DiscriminatorOverfitting(images_n, heldout_real, n=500)
        first = gan.fit(dataset, steps_per_epoch=STEPS // EPOCHS, epochs=EPOCHS, verbose=0,
                        callbacks=[monitor, StopWhenSure(threshold)])
        plain = len(first.history["d_rt"])
        if plain < EPOCHS:  # r_t passed the threshold: DiffAugment for the remaining epochs
            gan = build_gan(gan.generator, augment.with_diff_augment(gan.discriminator, seed=seed), **settings)
            gan.fit(dataset, steps_per_epoch=STEPS // EPOCHS, epochs=EPOCHS - plain, verbose=0)
        return gan, first.history["d_rt"]


    switched, rt_log = switched_on(100)
    print("r_t at each epoch before the switch:", np.round(rt_log, 2))
    print(f"FID, DiffAugment once r_t > 0.6: {domain_fid(switched.sampler):.1f}")
    from_start = next(r["fid"] for r in rows
                      if r["method"] == "from scratch + DiffAugment" and r["setting"] == "100")
    print(f"FID, DiffAugment from the start (section 5): {from_start:.1f}")


@solved(8, 5)
def _exercise_5(data, classifier, build_gan, sample, viz, plt, gan_course, STEPS, Z_EVAL, FREEZE_BLOCKS, Z_DIM,
        transfer, R, metrics, models, np):
    """Load your folder at 28×28 in grayscale, the pretrained GAN's format, keep 100 images aside as
    the FID reference, and train the lesson's winner (fine-tune + FreezeD) and a GAN from scratch
    on the rest, for STEPS steps each. Run it after section 4 (it needs `sample`, `classifier`
    and the settings R of section 4).

    What to look at, and how to read it:

    Compare the two FIDs, and the grids. Both use the same reference, features and N, so they can
    be compared with each other (with 100 images each they are biased upwards, lesson 05, so not
    with the lesson's numbers). Then repeat with folders further from clothing, say shoes, bags,
    cups, faces, landscapes, and note where fine-tuning stops beating training from scratch.

    One caution grows with the distance: FID here uses the features of a classifier trained on
    Fashion-MNIST. For images unlike clothing those features may miss what matters, so trust the
    grids as much as the number, and look for a pretrained GAN's habits (garment outlines) in the
    fine-tuned samples.
    """
    folder = "path/to/your/images"  # a few hundred images of one kind of object
    mine = data.load_image_folder(folder, image_size=(28, 28))  # grayscale, in [-1, 1]
    mine = mine[np.random.default_rng(0).permutation(len(mine))]
    mine_heldout, mine_train = mine[:100], mine[100:]  # the FID reference: images no run trains on
    mine_features = classifier.features(mine_heldout)


    def train_on_mine(start, freeze=0, seed=0):
        gan_course.setup(seed, verbose=False)
        if start == "scratch":
            g, d = models.dcgan_lean_generator(Z_DIM), models.dcgan_lean_discriminator()
        else:
            g, d, _ = transfer.load_pretrained()
        if freeze:
            transfer.freeze_lower_blocks(d, freeze)
        gan = build_gan(g, d, loss=R.gan_loss(), g_lr=R.g_lr, d_lr=R.d_lr, beta_1=R.beta_1, beta_2=R.beta_2,
                        ema=R.ema, seed=seed)
        dataset = data.make_dataset(mine_train, min(R.batch_size, len(mine_train)), seed=seed).repeat()
        gan.fit(dataset, steps_per_epoch=STEPS, epochs=1, verbose=0)
        fakes = sample(gan.sampler, Z_EVAL[: len(mine_heldout)])
        return gan, metrics.fid_from_features(mine_features, classifier.features(fakes))


    results = {"from scratch": train_on_mine("scratch"),
               "fine-tune + FreezeD": train_on_mine("pretrained", freeze=FREEZE_BLOCKS)}
    for name, (_, fid) in results.items():
        print(f"{name:<20} FID {fid:.1f} ({len(mine_heldout)} generated images against as many held out)")
    viz.show_grids({"yours": mine_train[:16], **{name: sample(gan.sampler, Z_EVAL[:16])
                                                 for name, (gan, _) in results.items()}}, ncols=4, size=3.2)
    plt.show()
