"""`d_normalization="spectral"`: SN-GAN discriminators (Miyato et al. 2018) on every backend."""

import keras
import numpy as np
import pytest

import keras_gan
from conftest import fake_data, weights_of


def _dcgan():
    keras.utils.set_random_seed(0)  # power-iteration vectors and weights drawn alike in every run
    return keras_gan.DCGAN((16, 16, 1), latent_dim=8, filters=4, d_normalization="spectral", seed=0)


def _cgan():
    keras.utils.set_random_seed(0)
    return keras_gan.ConditionalGAN((16, 16, 1), num_classes=3, latent_dim=8, filters=4, conditioning="projection",
                                    d_normalization="spectral", seed=0)


def _data(model, n=32):
    x = fake_data((16, 16, 1), n=n)
    return (x, np.arange(n, dtype="int32") % 3) if getattr(model, "num_classes", None) else (x, None)


def _wrapped(model):
    return [layer for layer in model.discriminator.layers if isinstance(layer, keras.layers.SpectralNormalization)]


def _sigma(kernel):
    """Largest singular value of a kernel as spectral normalization sees it: (fan_in, units)."""
    matrix = np.asarray(kernel).reshape(-1, np.asarray(kernel).shape[-1])
    return float(np.linalg.svd(matrix, compute_uv=False)[0])


@pytest.mark.parametrize("build", [_dcgan, _cgan], ids=["dcgan", "cgan_projection"])
def test_every_discriminator_layer_is_spectrally_normalized_and_batchnorm_is_gone(build):
    model = build()
    kinds = {type(layer.layer).__name__ for layer in _wrapped(model)}
    assert kinds == {"Conv2D", "Dense"}
    convs = [layer for layer in model.discriminator.layers if isinstance(layer, keras.layers.Conv2D)]
    assert convs == []  # each convolution sits inside its wrapper
    assert not [layer for layer in model.discriminator.layers if isinstance(layer, keras.layers.BatchNormalization)]


def _judge(model, x, y, training=False):
    inputs = keras.ops.convert_to_tensor(x)
    if y is not None:
        inputs = [inputs, keras.ops.convert_to_tensor(y)]
    return keras.ops.convert_to_numpy(model.discriminator(inputs, training=training))


@pytest.mark.parametrize("build", [_dcgan, _cgan], ids=["dcgan", "cgan_projection"])
def test_discriminator_is_invariant_to_the_scale_of_its_kernels(build):
    model = build()
    x, y = _data(model, n=8)
    before = _judge(model, x, y)
    for layer in _wrapped(model):
        layer.kernel.assign(layer.kernel * 400.0)
    np.testing.assert_allclose(_judge(model, x, y), before, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("build", [_dcgan, _cgan], ids=["dcgan", "cgan_projection"])
def test_training_runs_the_power_iteration_to_each_kernels_largest_singular_value(build):
    model = build()
    model.compile()
    wrapped = _wrapped(model)
    u0 = weights_of([layer.vector_u for layer in wrapped])
    x, y = _data(model)
    history = model.fit(x, y, batch_size=16, epochs=4, verbose=0)
    assert all(np.all(np.isfinite(v)) for v in history.history.values())
    kernels = weights_of([layer.kernel for layer in wrapped])
    for layer, kernel, u_start in zip(wrapped, kernels, u0):
        u = weights_of([layer.vector_u])[0]
        assert not np.allclose(u, u_start)  # the state moved inside the compiled step
        matrix = kernel.reshape(-1, kernel.shape[-1])
        _, singular, right = np.linalg.svd(matrix, full_matrices=False)
        # u converged to the top right-singular vector: u W^T W u^T = sigma^2.
        estimate = float(np.sqrt((u @ matrix.T @ matrix @ u.T).item()) / np.linalg.norm(u))
        np.testing.assert_allclose(estimate, singular[0], rtol=0.05)


def test_unknown_normalization_is_a_clear_error():
    with pytest.raises(ValueError, match="'spectral'.*got 'sn'"):
        keras_gan.DCGAN((16, 16, 1), filters=4, d_normalization="sn")
