"""The default networks every model picks from: DCGAN-style convolutions for images, MLPs for vectors."""

from keras_gan import checks, networks

__all__ = ["conv_options", "discriminator", "generator"]


def conv_options(filters, generator_filters, normalization):
    """`(filters, generator_filters, normalization)` checked, as the convolutional defaults take them."""
    return (
        checks.positive_int("filters", filters, 64),
        checks.optional_positive_int("generator_filters", generator_filters, 64),
        networks.check_normalization(normalization),
    )


def generator(model, hidden_units=None):
    """`model`'s default generator: convolutional for images (`model.filters`, `model.generator_filters`),
    an MLP of `hidden_units` for vectors; conditional when `model.num_classes` is set."""
    if model.is_image:
        width = model.generator_filters or model.filters
        return networks.dcgan_generator(model.latent_dim, model.data_shape, width, num_classes=model.num_classes)
    return networks.mlp_generator(model.latent_dim, model.data_shape, hidden_units, num_classes=model.num_classes)


def discriminator(model, normalization=None, hidden_units=None, dropout=0.0, seed=None):
    """`model`'s default discriminator on `model.d_input_shape`: convolutional for images (`normalization`),
    an MLP of `hidden_units` (with `dropout`, `seed`) for vectors; it takes labels as `model.d_label_options` say."""
    if model.is_image:
        return networks.dcgan_discriminator(model.d_input_shape, model.filters, normalization=normalization,
                                            **model.d_label_options)
    return networks.mlp_discriminator(model.d_input_shape, hidden_units, dropout, seed=seed, **model.d_label_options)
