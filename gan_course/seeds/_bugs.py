"""The seed programs' bugs, each with the seed's section, its effect, the fix and the ``clinic.diagnose`` check that
catches it (``check``), and whether it stops the program (``crash``). ``seeds.SEEDS`` holds them.

No lesson imports it: lesson 09 reads the tables as ``seeds.SEEDS[key].bugs``.
"""

from gan_course.seeds._common import Bug

# fmt: off
S0_BUGS = (
    Bug("000 §3.2.2", "the compile lines are printed as `***pile(...)`", "SyntaxError: nothing runs",
        "discriminator.compile(...) and gan.compile(...)", crash=True),
    Bug("000 §3.2.2", "`generator, discriminator = gan` unpacks the combined model", "TypeError before the first step",
        "pass generator, discriminator and the combined model separately", crash=True),
    Bug("000 §3.2.2",
        "data scaled by `X_train / 255.0` to [0, 1] (§2.1.1 even says G ends in a sigmoid), G ends in tanh",
        "G's samples reach values no real pixel has (the seed shows them as black); half of tanh's range is wasted",
        "scale to [-1, 1]: x / 127.5 - 1",
        check="data_range"),
    Bug("000 §3.2.2", "D is not frozen inside the combined model `gan`",
        "each G step also moves D towards calling fakes real",
        "discriminator.trainable = False for the combined step (Keras 3: after D's first step), or gan_step",
        check="combined_model"),
    Bug("000 §3.2.2", "`Adam()` with Keras' defaults (lr 1e-3, beta_1 0.9) for both models",
        "oscillating training (the DCGAN paper's finding for beta_1 0.9)", "Adam(2e-4, beta_1=0.5)", check="optimizer"),
    Bug("000 §3.2.2", "every batch is labelled `np.ones((batch_size, 1))`",
        "a short last batch fails (MNIST's 60 000 happen to divide by 32)",
        "np.ones((len(real), 1)), or drop_remainder=True", crash=True),
    Bug("000 §3.2.2", "`epochs = 10000` over 1 875 batches, `generator.predict` in every step",
        "18.75 million steps, each printing a progress bar: days on a 2-core CPU (lesson 09 measures it)",
        "a budget of steps or minutes; call generator(noise) in the loop"),
    Bug("000 §3.3.1", "`gan.fit(dataset, ...)` on images", "ValueError: the combined model takes noise, not images",
        "train with the loop (or gan.GAN.fit)", crash=True),
    Bug("000 §3.3.2", "`import fid_score`; `calculate_fretchet_inception_distance`",
        "ModuleNotFoundError: no such package", "gan_course.metrics (lesson 05)", crash=True),
)
S1_BUGS = (
    Bug("001 §4", "the code block lost its line breaks", "SyntaxError", "restore them", crash=True),
    Bug("001 §4", "names lost their underscores: `noisedim`, `batchsize`, `inputshape`, `generatoroptimizer`",
        "NameError, TypeError", "one spelling per name; drop inputshape", crash=True),
    Bug("001 §4", "`noisedim`, `batchsize`, `epochs` and `X_train` are never defined", "NameError",
        "define them; load and scale the data", crash=True),
    Bug("001 §4", "`generator` and `discriminator` are functions that make new layers at every call",
        "TypeError (no training=); every call would start from new random weights",
        "build each network once as a keras.Model", crash=True),
    Bug("001 §4", "G goes 4 -> 8 -> 16 (the last transposed convolution has stride 1): 16×16 images for 28×28 data",
        "ValueError when D built for the data meets G's samples", "start from 7×7 (s1_fixed_generator)", check="shapes",
        crash=True),
    Bug("001 §4", "D's outputs on the fake batch and on all of X_train are added before the mean",
        "InvalidArgumentError: the two batches differ in size", "the mean of each term", crash=True),
    Bug("001 §4", "D's loss is mean D(G(z)) + mean D(x): the real term has the wrong sign",
        "D learns to score everything low; it never learns to tell real from fake",
        "a GAN loss: softplus(-D(x)) + softplus(D(G(z))) on logits ('non_saturating')", check="loss_signs"),
    Bug("001 §4", "the losses read D's output as a raw score, but D ends in a sigmoid",
        "the scores cannot leave (0, 1), and their gradient vanishes as D grows sure",
        "end D with Dense(1) and use a loss on logits", check="output_activation"),
    Bug("001 §4", "the noise is drawn once, before the loop", "G is trained on the same batch_size vectors every step",
        "fresh noise every step"),
    Bug("001 §4", "no loop over batches: each epoch is one step on all of X_train",
        "one update per pass over 60 000 images, all in memory at once", "a loop over batches (data.make_dataset)"),
)
S3_BUGS = (
    Bug("003 full example", "`.cuda()` on every network and tensor", "stops on a machine without an NVIDIA GPU",
        "choose the device with torch.cuda.is_available()", crash=True),
    Bug("003 full example", "`nn.Linear(256*3*3, 1)`; three stride-2 convolutions leave 4×4",
        "shape error at the first batch", "nn.Linear(256*4*4, 1)", crash=True),
    Bug("003 full example", "`plt.savefig('samples/...')` into a folder never created",
        "FileNotFoundError at the end of the first epoch", "os.makedirs('samples', exist_ok=True)", crash=True),
    Bug("003 full example", "Adam with PyTorch's default betas (0.9, 0.999)",
        "beta_1 0.9 made the DCGAN paper's training oscillate", "betas=(0.5, 0.999)", check="optimizer"),
    Bug("003 full example", "D ends in a sigmoid and BCELoss reads probabilities",
        "works; a confident D's probabilities round to 0 or 1 and the log is clamped at -100",
        "Linear output and BCEWithLogitsLoss (Keras: from_logits=True)", check="output_activation"),
    Bug("003 full example", "200 epochs of 600 batches", "120 000 steps: hours on a 2-core CPU (lesson 09 measures it)",
        "a budget of steps or minutes"),
)
# fmt: on
