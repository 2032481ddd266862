"""The colour data set (noto_emoji), its judge (emoji_classifier) and colour training on every image model."""

import numpy as np
import pytest

import keras_gan
from conftest import cli_error, weights_of
from keras_gan.metrics.evaluation import sample_labels


@pytest.mark.backend_independent
def test_noto_emoji_shapes_range_labels_and_split():
    x, y = keras_gan.data.load("noto_emoji")
    assert x.shape == (3781, 64, 64, 3) and x.dtype == np.float32 and y.dtype == np.int32
    assert x.min() == -1.0 and x.max() == 1.0
    assert np.array_equal(np.unique(y), np.arange(9))
    x_train, y_train = keras_gan.data.load("noto_emoji_train", image_size=32)
    x_test, y_test = keras_gan.data.load("noto_emoji_test", image_size=32)
    assert x_train.shape == (3196, 32, 32, 3) and x_test.shape == (585, 32, 32, 3)
    # every category on both sides, in about the same proportion (stratified)
    share_train = np.bincount(y_train, minlength=9) / len(y_train)
    share_test = np.bincount(y_test, minlength=9) / len(y_test)
    assert np.all(share_test > 0) and 0.5 * np.abs(share_train - share_test).sum() < 0.03
    info = keras_gan.datasets.noto_emoji_info()
    assert info["category_names"][3] == "Food & Drink" and len(info["subcategory_names"]) == 98
    assert (info["num_train"], info["num_test"]) == (3196, 585)
    _, sub = keras_gan.data.load("noto_emoji_test", labels="subcategory")
    assert sub.max() < 98 and len(np.unique(sub)) > 60
    # the held-out emoji are not training emoji: no test image equals a training image
    raw_train, _ = keras_gan.datasets.load_noto_emoji("train", image_size=16, dtype="uint8")
    raw_test, _ = keras_gan.datasets.load_noto_emoji("test", image_size=16, dtype="uint8")
    train_keys = {image.tobytes() for image in raw_train}
    assert sum(image.tobytes() in train_keys for image in raw_test) <= 7  # 7 of 585: identical renderings at 16 px


@pytest.mark.backend_independent
def test_area_resize_averages_blocks_and_bad_arguments_are_named():
    images = np.arange(2 * 4 * 4 * 3, dtype="uint8").reshape(2, 4, 4, 3)
    small = keras_gan.datasets.resize_images(images, 2)
    np.testing.assert_array_equal(small[0, 0, 0], np.round(images[0, :2, :2].reshape(-1, 3).mean(0)))
    assert keras_gan.datasets.resize_images(images, 3).shape == (2, 3, 3, 3)  # Lanczos
    with pytest.raises(ValueError, match="split must be one of"):
        keras_gan.datasets.load_noto_emoji("validation")
    with pytest.raises(ValueError, match="image_size must be an integer from 1 to 64"):
        keras_gan.data.load("noto_emoji", image_size=128)
    # (height, width) as folders take it, when square; the offline names of one size refuse image_size
    assert keras_gan.data.load("noto_emoji_test", image_size=(16, 16))[0].shape == (585, 16, 16, 3)
    with pytest.raises(ValueError, match=r"noto_emoji images are square.*got \(16, 8\)"):
        keras_gan.data.load("noto_emoji_test", image_size=(16, 8))
    with pytest.raises(ValueError, match="'digits' comes at one size and cannot be resized"):
        keras_gan.data.load("digits", image_size=16)


@pytest.mark.backend_independent
def test_conditional_samples_take_the_real_label_mix():
    labels = sample_labels(100, 3, real_labels=[0] * 6 + [1] * 3 + [2])
    np.testing.assert_array_equal(np.bincount(labels), [60, 30, 10])
    np.testing.assert_array_equal(sample_labels(7, 3, real_labels=[0, 1, 2]), np.arange(7) % 3)  # balanced: as before
    assert len(sample_labels(585, 9, keras_gan.data.load("noto_emoji_test")[1])) == 585


def test_emoji_judge_features_and_accuracy():
    x, y = keras_gan.data.load("noto_emoji_test", image_size=32)
    judge = keras_gan.metrics.ClassifierFeatures("emoji_classifier")
    features, probabilities = judge(x[::5])
    assert features.shape == (117, 64) and probabilities.shape == (117, 9)
    np.testing.assert_allclose(probabilities.sum(1), 1.0, atol=1e-5)
    assert np.mean(probabilities.argmax(1) == y[::5]) > 0.7  # 83.1% on all 585
    # 64×64 images are area-resized to the judge's 32×32 first
    big, _ = keras_gan.data.load("noto_emoji_test")
    np.testing.assert_allclose(judge(big[:10:5])[0], features[:2], atol=0.05)  # the same but for uint8 rounding
    with pytest.raises(ValueError, match="takes images of shape"):
        judge(np.zeros((2, 28, 28, 1), "float32"))


def test_compare_real_emoji_against_themselves_and_noise():
    x, y = keras_gan.data.load("noto_emoji_test", image_size=32)
    same = keras_gan.metrics.compare(x[0::2], x[1::2], features="emoji_classifier", kid_subset_size=100)
    # (the held-out set is in category order: halves by alternate images)
    # the other half in swapped colour channels: shapes right, colours wrong
    swapped = keras_gan.metrics.compare(x[0::2], x[1::2, :, :, ::-1], features="emoji_classifier",
                                        kid_subset_size=100)
    assert same["feature_network"] == "emoji_classifier" and len(same["class_share"]) == 9
    assert swapped["frechet_distance"] > 5 * same["frechet_distance"]
    assert swapped["kid"] > 2 * swapped["kid_std"] and swapped["kid"] > 5 * max(same["kid"], same["kid_std"])


@pytest.mark.parametrize("name", ["gan", "dcgan", "cgan", "wgan_gp"])
def test_every_image_model_trains_on_colour(name):
    x, y = keras_gan.data.load("noto_emoji_train", image_size=16, limit=64)
    shape = (16, 16, 3)
    model = {
        "gan": lambda: keras_gan.GAN(shape, latent_dim=8, hidden_units=(32,)),
        "dcgan": lambda: keras_gan.DCGAN(shape, latent_dim=8, filters=8),
        "cgan": lambda: keras_gan.ConditionalGAN(shape, 9, latent_dim=8, filters=8, conditioning="projection"),
        "wgan_gp": lambda: keras_gan.WGANGP(shape, latent_dim=8, filters=8, d_steps=2),
    }[name]()
    model.compile()
    kwargs = {"labels": np.arange(4) % 9} if name == "cgan" else {}
    before = model.generate(4, seed=0, **kwargs)
    kernels = [[v for v in network.trainable_variables if v.path.endswith("kernel")]
               for network in (model.generator, model.discriminator)]
    weights = [weights_of(variables) for variables in kernels]
    history = model.fit(x, y if name == "cgan" else None, batch_size=32, epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    # fit trained both networks on the colour images: every kernel of G and of D moved (a critic's last bias
    # may not: the Wasserstein loss does not depend on it)
    for variables, old in zip(kernels, weights):
        assert variables and all(not np.array_equal(a, b) for a, b in zip(old, weights_of(variables)))
    images = model.generate(4, seed=0, **kwargs)
    assert images.shape == (4, 16, 16, 3) and np.all(np.abs(images) <= 1) and images.std() > 0
    assert np.abs(images - before).max() > 1e-3  # and the same latents now draw other images


def test_cli_evaluate_judges_a_colour_preset_on_the_emoji_classifier(tmp_path, capsys):
    from keras_gan import cli, zoo

    model = keras_gan.ConditionalGAN((32, 32, 3), 9, latent_dim=8, filters=4, conditioning="projection")
    zoo.save_preset(model, str(tmp_path / "tiny"), description="tiny", weights_dtype="float16")
    cli.main(["evaluate", str(tmp_path / "tiny"), "-n", "60"])
    out = capsys.readouterr().out
    assert "585 held-out noto_emoji images, features of emoji_classifier" in out
    assert out.count("|") > 10 and "label acc." in out
    cli_error(capsys, ["evaluate", str(tmp_path / "tiny"), "--features", "mnist_classifier"],
              "mnist_classifier judges 28x28x1 digits; the model makes \\(32, 32, 3\\)")
