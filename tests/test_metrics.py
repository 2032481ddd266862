"""Figures: exact against closed forms and direct computations; the feature networks; evaluate; the callback."""

import numpy as np
import pytest
from scipy import linalg

import keras_gan
from keras_gan import metrics
from conftest import tiny_dcgan


def _random_cov(rng, d):
    a = rng.standard_normal((d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


@pytest.mark.backend_independent
def test_frechet_gaussian_equals_closed_form_for_diagonal_covariances():
    mu_a, mu_b = np.array([0.0, 1.0, 2.0]), np.array([1.0, -1.0, 2.0])
    sd_a, sd_b = np.array([1.0, 2.0, 0.5]), np.array([3.0, 1.0, 0.5])
    expected = np.sum((mu_a - mu_b) ** 2) + np.sum((sd_a - sd_b) ** 2)
    assert metrics.frechet_gaussian(mu_a, np.diag(sd_a**2), mu_b, np.diag(sd_b**2)) == pytest.approx(expected, rel=1e-9)


@pytest.mark.backend_independent
def test_frechet_distance_agrees_with_scipy_sqrtm_reference():
    rng = np.random.default_rng(0)
    a = rng.multivariate_normal(np.zeros(16), _random_cov(rng, 16), 500)
    b = rng.multivariate_normal(np.full(16, 0.3), _random_cov(rng, 16), 400)
    mu_a, mu_b, cov_a, cov_b = a.mean(0), b.mean(0), np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root = linalg.sqrtm(cov_a @ cov_b).real
    reference = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a + cov_b - 2 * root)
    assert metrics.frechet_distance(a, b) == pytest.approx(reference, rel=1e-3)
    assert metrics.frechet_distance(a, b) == pytest.approx(metrics.frechet_distance(b, a), rel=1e-9)
    assert abs(metrics.frechet_distance(a, a)) < 1e-6


def _direct_unbiased_mmd2(x, y):
    d = x.shape[1]
    k = lambda u, v: (np.dot(u, v) / d + 1.0) ** 3  # noqa: E731
    n, m = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    yy = sum(k(y[i], y[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    xy = sum(k(x[i], y[j]) for i in range(n) for j in range(m)) / (n * m)
    return xx + yy - 2 * xy


@pytest.mark.backend_independent
def test_kid_matches_a_direct_unbiased_mmd2():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((15, 5)), rng.standard_normal((15, 5)) + 0.5
    direct = _direct_unbiased_mmd2(x, y)
    assert metrics.polynomial_mmd2(x, y) == pytest.approx(direct, rel=1e-10)
    # One subset of the full size is a permutation of each set: the same number.
    mean, std = metrics.kernel_inception_distance(x, y, num_subsets=1, subset_size=15)
    assert mean == pytest.approx(direct, rel=1e-10) and std == 0.0
    same, _ = metrics.kernel_inception_distance(rng.standard_normal((300, 5)), rng.standard_normal((300, 5)),
                                               num_subsets=10, subset_size=100)
    assert abs(same) < 0.1 * direct


@pytest.mark.backend_independent
def test_precision_recall_on_hand_placed_sets():
    grid = np.stack(np.meshgrid(np.arange(10.0), np.arange(10.0)), -1).reshape(-1, 2)  # spacing 1: radius ~1.41
    assert metrics.precision_recall(grid, grid + 0.1, k=3) == (1.0, 1.0)
    assert metrics.precision_recall(grid, grid + 100.0, k=3) == (0.0, 0.0)
    # Fakes cover only the left half of the real grid, all inside it: precision 1, recall about one half.
    precision, recall = metrics.precision_recall(grid, grid[grid[:, 0] < 5], k=3)
    assert precision == 1.0 and 0.5 <= recall <= 0.6


@pytest.mark.backend_independent
def test_inception_score_bounds():
    confident = np.eye(10)[np.arange(1000) % 10]
    assert metrics.inception_score(confident, splits=10)[0] == pytest.approx(10.0, rel=1e-6)
    assert metrics.inception_score(np.eye(10)[np.zeros(100, int)], splits=1)[0] == pytest.approx(1.0)
    assert metrics.inception_score(np.full((100, 10), 0.1), splits=1)[0] == pytest.approx(1.0)
    with pytest.raises(ValueError, match="softmax"):
        metrics.inception_score(np.ones((4, 10)))


@pytest.mark.backend_independent
def test_bad_inputs_name_the_fix():
    with pytest.raises(ValueError, match="different widths"):
        metrics.frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"shape \(n, d\)"):
        metrics.kernel_inception_distance(np.zeros(5), np.zeros(5))
    with pytest.raises(ValueError, match="Unknown feature network"):
        metrics.feature_network("resnet")


@pytest.fixture(scope="module")
def split():
    return metrics.mnist_split()


@pytest.fixture(scope="module")
def classifier():
    return metrics.ClassifierFeatures()


def test_zoo_classifier_reaches_97_percent_on_held_out_digits_on_this_backend(split, classifier):
    _, (x_test, y_test) = split
    features, probabilities = classifier(x_test)
    assert features.shape == (1000, 128) and probabilities.shape == (1000, 10)
    assert np.mean(probabilities.argmax(1) == y_test) >= 0.97
    with pytest.raises(ValueError, match=r"\(28, 28, 1\)"):
        classifier(np.zeros((2, 32, 32, 1), "float32"))


def test_real_digits_score_far_better_than_noise(split, classifier):
    (x_train, y_train), (x_test, y_test) = split
    pick = np.random.default_rng(0).choice(len(x_train), 500, replace=False)  # mnist_5k is sorted by digit
    real = metrics.compare(x_test, x_train[pick], features=classifier, real_labels=y_test, fake_labels=y_train[pick])
    noise = metrics.compare(x_test, np.random.default_rng(0).uniform(-1, 1, (500, 28, 28, 1)), features=classifier)
    assert real["num_real"] == 1000 and real["num_fake"] == 500
    assert real["frechet_distance"] * 10 < noise["frechet_distance"]
    assert real["kid"] * 10 < noise["kid"]
    # Noise features bunch together: its k-NN balls are tiny, so it covers no real digit (recall 0). Its
    # precision is not asserted: a few real outliers have balls wide enough to hold the whole bunch.
    assert real["precision"] > 0.8 and real["recall"] > 0.8 and noise["recall"] < 0.1
    assert real["inception_score"] > 8.0 and real["label_accuracy"] > 0.97 and real["real_accuracy"] >= 0.97
    assert abs(sum(real["class_share"]) - 1.0) < 1e-9 and max(real["class_share"]) < 0.15


def test_cgan_zoo_entry_draws_the_asked_digit(split, classifier):
    _, (x_test, y_test) = split
    report = metrics.evaluate(keras_gan.zoo.load("cgan_mnist", compile=False), x_test, y_test, num_samples=300,
                              features=classifier, verbose=0)
    assert report["label_accuracy"] >= 0.9 and report["num_fake"] == 300
    assert min(report["class_share"]) > 0.05  # every digit present


def test_evaluation_callback_puts_figures_in_history(split, classifier):
    (x_train, _), (x_test, _) = split
    model = tiny_dcgan(seed=0)
    model.compile()
    callback = metrics.Evaluation(x_test[:200], every=2, num_samples=100, features=classifier, kid_subset_size=50)
    history = model.fit(x_train[:64], batch_size=32, epochs=3, callbacks=[callback], verbose=0)
    assert [epoch for epoch, _ in callback.reports] == [2, 3]  # every 2 epochs, and the last
    assert len(history.history["frechet_distance"]) == 2 and len(history.history["g_loss"]) == 3
    first, last = (report for _, report in callback.reports)
    assert first["frechet_distance"] != last["frechet_distance"]  # the generator changed between evaluations


def test_inception_path_runs_offline_with_random_weights():
    """Shapes and pipeline only: weights=None, the figures mean nothing (no network here).

    Every call has the same shape (2 images to 299×299×3), so each backend builds its kernels once.
    """
    network = metrics.InceptionFeatures(weights=None, batch_size=2)
    rng = np.random.default_rng(0)
    features, probabilities = network(rng.uniform(-1, 1, (2, 28, 28, 1)).astype("float32"))
    assert features.shape == (2, 2048) and probabilities.shape == (2, 1000)
    assert np.allclose(probabilities.sum(1), 1.0, atol=1e-4)
    report = metrics.compare(rng.uniform(-1, 1, (2, 28, 28, 1)), rng.uniform(-1, 1, (2, 28, 28, 1)),
                             features=network, k=1, kid_subset_size=2, splits=1)
    assert report["feature_network"] == "inception_v3" and np.isfinite(report["frechet_distance"])
    with pytest.raises(ValueError, match="1 or 3"):
        network(np.zeros((2, 28, 28, 2), "float32"))


def test_cli_evaluate_prints_the_table(capsys):
    from keras_gan import cli

    cli.main(["evaluate", "gan_mnist", "-n", "200"])
    out = capsys.readouterr().out
    assert "| gan_mnist |" in out and "held-out" in out and "| 200 | 1000 |" in out


@pytest.mark.backend_independent
def test_zoo_records_figures_for_every_entry_and_the_real_baseline():
    manifest = keras_gan.zoo.manifest()
    baseline = manifest["baselines"]["mnist_5k"]
    assert baseline["num_fake"] == baseline["num_real"] == 1000 and baseline["frechet_distance"] < 10
    emoji = manifest["baselines"]["noto_emoji"]
    assert emoji["num_fake"] == emoji["num_real"] == 585 and emoji["frechet_distance"] < 100
    for name in manifest["entries"]:
        meta = keras_gan.zoo.metadata(name)
        figures = meta["figures"]
        if meta["class"] in ("Sequential", "Functional"):  # the judges
            assert figures["test_accuracy"] >= (0.97 if name == "mnist_classifier" else 0.8)
            continue
        floor = emoji if meta["dataset"] == "noto_emoji_train" else baseline
        assert figures["num_fake"] == figures["num_real"] == floor["num_real"], name
        assert figures["frechet_distance"] > floor["frechet_distance"], name  # no GAN beats real data
    assert keras_gan.zoo.metadata("cgan_mnist")["figures"]["label_accuracy"] >= 0.9
