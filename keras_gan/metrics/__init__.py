"""Sample-quality figures: mode coverage on the 2-D mixtures."""

from keras_gan.metrics.mode_coverage import mode_coverage

__all__ = ["mode_coverage"]
