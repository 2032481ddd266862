"""`keras_gan.training`, the run driver: the digit figures the MNIST examples print and save."""

import json

import pytest

import keras_gan
from conftest import tiny_dcgan, tiny_gan


def test_report_digit_figures_prints_one_line_and_saves_the_figures(tmp_path, capsys):
    for model, conditional in ((tiny_dcgan(seed=0), False),
                               (keras_gan.ConditionalGAN((28, 28, 1), 10, latent_dim=8, filters=4, seed=0), True)):
        report = keras_gan.training.report_digit_figures(model, 50, str(tmp_path))
        saved = json.loads((tmp_path / "figures.json").read_text())
        assert saved == json.loads(json.dumps(report)) and saved["num_fake"] == 50 and saved["num_real"] == 1000
        line = capsys.readouterr().out
        assert line.startswith("Figures (50 samples vs the 1,000 held-out digits, mnist_classifier features): ")
        assert f"FD {report['frechet_distance']:.2f} (real data: 3.77), precision {report['precision']:.3f}" in line
        assert ("label_accuracy" in report) == conditional == (", label accuracy " in line)
        if conditional:
            assert line.rstrip().endswith(f", label accuracy {report['label_accuracy']:.3f}")
    with pytest.raises(ValueError, match=r"judges 28x28x1 digits; the model makes \(8, 8, 1\).*metrics.evaluate"):
        keras_gan.training.report_digit_figures(tiny_gan((8, 8, 1)), 10, str(tmp_path))
