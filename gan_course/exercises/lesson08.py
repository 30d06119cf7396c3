"""Lesson 08's exercises: each check beside its worked solution.

Used in lesson 08.
"""

from __future__ import annotations

import numpy as np

from gan_course.exercises._core import check, no, number, run, solved, yes


@check
def check_ada_rv(fn) -> bool:
    """Lesson 08: ``fn(train_logits, heldout_logits, fake_logits)`` must return ADA's r_v (Karras et al. 2020).

    r_v = (E[D_train] - E[D_heldout]) / (E[D_train] - E[D_generated]), on D's raw outputs (logits), each
    averaged over its set: 0 when D scores held-out real images like its training images, 1 when it scores them
    like generated ones. Introduced in lesson 08.
    """
    train = np.array([2.0, 1.0, -0.5, 3.0, 0.1, -2.0, 4.0, 0.0, 1.5, 2.5])
    heldout = np.array([0.5, -1.0, -0.2, 1.0, -3.0, 0.3, 0.0, -0.7])
    fake = np.array([-2.5, -1.0, -3.0, 0.5, -1.5, -2.0])
    got = run(fn, train.copy(), heldout.copy(), fake.copy())
    if got.size != 1:
        return no(f"return one number, r_v; got {got.size} values")
    rv = float(got.reshape(-1)[0])
    t, h, g = train.mean(), heldout.mean(), fake.mean()
    want = (t - h) / (t - g)
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    pt, ph, pg = sigmoid(train).mean(), sigmoid(heldout).mean(), sigmoid(fake).mean()
    close = lambda a, b: bool(np.isclose(a, b, rtol=1e-6, atol=1e-9))  # noqa: E731
    if close(rv, want):
        return yes(
            f"r_v = {want:.3f}: held-out real images sit {want:.0%} of the way from D's score of its training images "
            "to its score of generated ones. Dividing by the train / generated distance makes r_v comparable "
            "between Ds whose outputs have different ranges; ADA keeps such a value near a target by adding "
            "augmentation"
        )
    wrong = [
        (
            t - h,
            "that is the gap on D's raw scale; r_v divides it by the distance that sets the scale: between "
            "D's score of its training images and of generated ones",
        ),
        ((pt - ph) / (pt - pg), "ADA reads D's raw outputs (logits), not the probabilities sigmoid(logit)"),
        (pt - ph, "that is this lesson's gap, in probabilities; r_v uses the logits and divides by a scale"),
        (
            -want,
            "mind the signs: r_v is positive when D scores its training images above held-out ones, and the "
            "scale (training images minus generated ones) is positive too",
        ),
        (
            (t - h) / (h - g),
            "the scale is the distance from D's training images to the generated ones, not from the "
            "held-out ones: with it, held-out images scored like fakes give 1",
        ),
        ((t - g) / (t - h), "that is upside down: the held-out gap goes on top, the scale below"),
        (np.mean(np.sign(train)), "that is r_t, ADA's first heuristic; r_v compares three sets of D's outputs"),
        ((h - g) / (t - g), "that is 1 - r_v: 0 should mean held-out images are scored like training images"),
    ]
    hint = next((text for value, text in wrong if close(rv, value)), None)
    return no(
        hint
        or "r_v is 0 when held-out real images score like D's training images and 1 when they score "
        "like generated ones: scale the train / held-out difference of the mean logits accordingly"
    )


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


@solved(8, 1, 'exercises.check_ada_rv(my_ada_rv)', answer='my_ada_rv')
def _exercise_1():
    """Average D's logits over each set: t on its training images, h on held-out real images, g on
    generated images. r_v must be 0 when h = t and 1 when h = g, and change linearly in between: so it
    is the distance from t to h, measured in units of the distance from t to g,

        r_v = (t - h) / (t - g).

    Both differences are positive for a D that favours its training images and rejects fakes. This is
    ADA's r_v (Karras et al. 2020; they average over a few consecutive minibatches). This lesson's gap
    is its numerator, read in probabilities instead of logits, and without the scale: its size depends
    on how sure D is of everything, which the division removes.
    """
    import numpy as np


    def my_ada_rv(train_logits, heldout_logits, fake_logits):
        t = np.mean(train_logits)
        h = np.mean(heldout_logits)
        g = np.mean(fake_logits)
        return (t - h) / (t - g)

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
def _exercise_3(new_train, build_gan, trained_by, augment, pool, gan_course, Z_DIM, STEPS, viz, plt, models, R,
        sample, grid_z, domain_fid, data, SEED):
    """Augment the real images in the data pipeline, before they reach fit, and leave D unchanged, so
    that generated images are never augmented. Train from scratch on 500 images for STEPS steps
    with section 4's settings, and show the samples beside section 5's run that augments both
    (from scratch + DiffAugment, 500 images, seed SEED). Run it after section 5.

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
    real_augment = augment.DiffAugment(seed=SEED)


    def augment_real(batch):
        return real_augment(batch, training=True)


    images_n = new_train[pool[:n]]
    only_real = data.make_dataset(images_n, R.batch_size, seed=SEED).repeat().map(augment_real)
    gan_course.setup(SEED, verbose=False)
    real_only = build_gan(models.dcgan_lean_generator(Z_DIM), models.dcgan_lean_discriminator(), loss=R.gan_loss(),
                          g_lr=R.g_lr, d_lr=R.d_lr, beta_1=R.beta_1, beta_2=R.beta_2, ema=R.ema, seed=SEED)
    real_only.fit(only_real, steps_per_epoch=STEPS, epochs=1, verbose=0)
    both = trained_by("from scratch + DiffAugment", SEED)  # section 5: real and generated images augmented
    viz.show_grids({"real images": images_n[:16],
                    "only the real images augmented": sample(real_only.sampler, grid_z),
                    "both augmented (section 5)": sample(both.sampler, grid_z)}, ncols=4, size=3.2)
    plt.show()
    print(f"FID: only real augmented {domain_fid(real_only.sampler):.1f}, both {domain_fid(both.sampler):.1f}")


@solved(8, 4)
def _exercise_4(new_train, pool, heldout_real, gan_course, build_gan, models, R, data, transfer, STEPS, EVERY, Z_DIM,
        SEED, np, plt):
    """Train from scratch on 100 and on 500 images with DiscriminatorOverfitting measuring after every
    epoch of EVERY // 10 steps (15 at full settings), so that r_t is logged ten times as often as in
    section 4. Average each log over a sliding window of 10 measurements (EVERY steps), plot the raw
    log and its average, and print where the average first passes 0.6. Run it after section 4; it
    costs about two of the lesson's runs.

    What to look at, and how to read it:

    First the raw log: if it still jumps between strongly negative and strongly positive from one
    measurement to the next, the swings of section 4 were not a matter of too few points but of D
    and G taking turns to win, and any single measurement is a coin toss. Then the averages: the
    averaged r_t separates the two sizes if the 100-image curve stays above the 500-image one for
    most of the run, and the printed means of the second half say by how much. ADA's own average
    is longer still: it nudges its augmentation probability a little after every four minibatches,
    so the probability integrates thousands of measurements, and one bad stretch moves it little.
    Where the average passes 0.6 is where ADA would start to augment. Two runs are one seed each:
    rerun with another seed before trusting a difference between the two sizes.
    """
    every, window = max(1, EVERY // 10), 10
    logs = {}
    for n in (100, 500):
        gan_course.setup(SEED, verbose=False)
        gan = build_gan(models.dcgan_lean_generator(Z_DIM), models.dcgan_lean_discriminator(), loss=R.gan_loss(),
                        g_lr=R.g_lr, d_lr=R.d_lr, beta_1=R.beta_1, beta_2=R.beta_2, ema=R.ema, seed=SEED)
        images = new_train[pool[:n]]
        monitor = transfer.DiscriminatorOverfitting(images, heldout_real, n=500)
        dataset = data.make_dataset(images, min(R.batch_size, n), seed=SEED).repeat()
        gan.fit(dataset, steps_per_epoch=every, epochs=STEPS // every, verbose=0, callbacks=[monitor])
        logs[n] = np.array([m["d_rt"] for m in monitor.history])

    steps = (np.arange(STEPS // every) + 1) * every
    for n, rt in logs.items():
        average = np.convolve(rt, np.ones(window) / window, mode="valid")
        plt.plot(steps, rt, lw=0.6, alpha=0.5, label=f"{n} images, every {every} steps")
        plt.plot(steps[window - 1 :], average, lw=2, label=f"{n} images, mean of the last {window}")
        above = np.flatnonzero(average > 0.6)
        first = f"at step {steps[window - 1 + above[0]]}" if above.size else "never"
        second_half = rt[len(rt) // 2 :].mean()
        print(f"{n} images: averaged r_t first above 0.6 {first}; mean over the second half {second_half:.2f}")
    plt.axhline(0.6, color="gray", ls=":", lw=1, label="ADA's target, 0.6")
    plt.xlabel("generator steps")
    plt.ylabel("r_t = E[sign D(x_train)]")
    plt.legend(fontsize=7)
    plt.show()


@solved(8, 5)
def _exercise_5(data, classifier, build_gan, sample, viz, plt, gan_course, STEPS, Z_EVAL, FREEZE_BLOCKS, Z_DIM,
        transfer, R, metrics, models, np):
    """Load your folder at 28×28 in grayscale, the pretrained GAN's format, keep 100 images aside as
    the FID reference, and train fine-tune + FreezeD and a GAN from scratch
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
