"""The generator's moving-average weights and their standing BatchNorm statistics.

`keras_gan.callbacks.GeneratorEMA` updates the average during `fit`; the model holds it here, out of
sight of Keras's variable tracking (so JAX's `fit` state never overwrites it), and saves it beside
its variables.
"""

import numpy as np
from keras import ops

from keras_gan import mixed_precision
from keras_gan.backend import moving_average

__all__ = ["GeneratorAverage", "load", "save", "standing_statistics"]


class GeneratorAverage:
    """Moving-average weights of a generator and the statistics that go with them.

    Args:
        generator: the Keras model whose `trainable_variables` are averaged.
        make_inputs: `make_inputs(rng, batch_size)` → the generator's inputs for a batch of
            fresh latents (and labels), for the standing statistics.
    """

    def __init__(self, generator, make_inputs):
        self.generator = generator
        self.make_inputs = make_inputs
        self.weights = None
        self._statistics = None

    @property
    def statistics(self):
        """The generator's non-trainable state for sampling with `weights` (measured when first needed)."""
        if self.weights is None:
            return None
        if self._statistics is None:
            self._statistics = standing_statistics(self.generator, self.weights, self.make_inputs)
        return self._statistics

    def set(self, weights, statistics=None):
        """Sets (or with `None`, removes) the average; see `AdversarialModel.set_generator_ema`."""
        self._statistics = None
        if weights is None:
            self.weights = None
            return
        variables = self.generator.trainable_variables
        weights = list(weights)
        shapes = [tuple(ops.shape(w)) for w in weights]
        expected = [tuple(v.shape) for v in variables]
        if shapes != expected:
            raise ValueError(
                f"Expected one moving-average array per generator weight, shapes {expected}; "
                f"got shapes {shapes}. Pass arrays shaped like generator.trainable_variables."
            )
        # A copy: on torch a variable's tensor is updated in place by the optimizer.
        self.weights = [
            ops.copy(ops.stop_gradient(ops.convert_to_tensor(w, dtype=v.dtype))) for w, v in zip(weights, variables)
        ]
        if statistics is not None:
            state = self.generator.non_trainable_variables
            self._statistics = [ops.copy(ops.convert_to_tensor(w, dtype=v.dtype)) for w, v in zip(statistics, state)]

    def update(self, weights, decay):
        """One moving-average step toward `weights` (one compiled call per backend)."""
        self._statistics = None
        self.weights = moving_average(self.weights, weights, decay)


def save(store, weights, statistics):
    """Writes a generator average into a Keras weights store (`generator_ema_{i}`, `generator_ema_statistics_{i}`)."""
    for i, w in enumerate(weights or ()):
        store[f"generator_ema_{i}"] = ops.convert_to_numpy(w)
    for i, w in enumerate(statistics or ()):
        store[f"generator_ema_statistics_{i}"] = ops.convert_to_numpy(w)


def load(store):
    """Reads what `save` wrote: `(weights or None, statistics or None, the keys read)`."""
    keys = {k for k in store.keys() if k.startswith("generator_ema_")}
    stats = {k: np.asarray(store[k]) for k in keys if k.startswith("generator_ema_statistics_")}
    weights = {k: np.asarray(store[k]) for k in keys if k not in stats}
    return (
        [weights[f"generator_ema_{i}"] for i in range(len(weights))] if weights else None,
        [stats[f"generator_ema_statistics_{i}"] for i in range(len(stats))] if stats else None,
        keys,
    )


def standing_statistics(generator, weights, make_inputs, num_batches=8, batch_size=256):
    """The generator's BatchNorm moving statistics measured on `weights` ("standing statistics").

    BatchNorm's statistics belong to the weights that produced them: with averaged weights, the live
    generator's mismatch the activations. These are the mean of the averaged generator's batch
    statistics over `num_batches` batches of `batch_size` latents from a fixed seed (Brock et al. 2019).

    Returns:
        One tensor per `generator.non_trainable_variables`.
    """
    variables = generator.non_trainable_variables
    live = [v.value for v in variables]
    if not variables:
        return live
    rng = np.random.default_rng(0)

    def updated(inputs, state):
        with mixed_precision.compute_in_float32(generator):  # the statistics of float32 sampling
            _, new = generator.stateless_call(weights, state, inputs, training=True)
        return [ops.convert_to_numpy(v).astype("float64") for v in new]

    # A training-mode forward pass ignores the moving statistics and updates each as
    # new = m * old + (1 - m) * batch: from old = 0 and old = 1, m and the batch's
    # statistic follow, whatever the layer's momentum.
    floats = [i for i, v in enumerate(variables) if "float" in str(v.dtype)]
    totals, momentum = None, None
    for _ in range(num_batches):
        inputs = make_inputs(rng, batch_size)
        zeros = [ops.zeros_like(v) if i in floats else v for i, v in enumerate(live)]
        from_zero = updated(inputs, zeros)
        if momentum is None:
            ones = [ops.ones_like(v) if i in floats else v for i, v in enumerate(live)]
            from_one = updated(inputs, ones)
            momentum = {i: from_one[i] - from_zero[i] for i in floats}
        batch = {i: from_zero[i] / np.maximum(1.0 - momentum[i], 1e-12) for i in floats}
        totals = batch if totals is None else {i: totals[i] + batch[i] for i in floats}
    statistics = list(live)
    for i in floats:
        # Variables that no forward pass updates (m = 1) keep their live value.
        if np.all(np.abs(1.0 - momentum[i]) > 1e-6):
            statistics[i] = ops.convert_to_tensor(totals[i] / num_batches, dtype=variables[i].dtype)
    return [ops.copy(ops.convert_to_tensor(v)) for v in statistics]
