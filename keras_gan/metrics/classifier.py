"""The MNIST classifier behind the offline figures (zoo entry `mnist_classifier`)."""

from keras_gan.data import load
from keras_gan.splits import stratified_split

__all__ = ["build_mnist_classifier", "mnist_split", "train_mnist_classifier"]


def mnist_split(test_per_class=100, seed=0):
    """A fixed stratified split of `mnist_5k`: 400 train and 100 held-out test digits per class.

    Returns:
        `((x_train, y_train), (x_test, y_test))`, images in [-1, 1].
    """
    return stratified_split(*load("mnist_5k"), test_per_class, seed=seed)


def build_mnist_classifier(seed=0):
    """A small CNN for 28×28×1 digits in [-1, 1]: two conv blocks, a 128-unit `features` layer, 10 `logits`.

    Training-time augmentation (small shifts and rotations) is part of the model and is off at inference.
    """
    import keras
    from keras import layers

    return keras.Sequential(
        [
            keras.Input((28, 28, 1)),
            layers.RandomTranslation(0.1, 0.1, fill_mode="constant", fill_value=-1.0, seed=seed),
            layers.RandomRotation(0.04, fill_mode="constant", fill_value=-1.0, seed=seed + 1),
            layers.Conv2D(32, 3, activation="relu"),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.3, seed=seed + 2),
            layers.Dense(128, activation="relu", name="features"),
            layers.Dropout(0.3, seed=seed + 3),
            layers.Dense(10, name="logits"),
        ],
        name="mnist_classifier",
    )


def train_mnist_classifier(epochs=30, batch_size=64, seed=0, verbose="auto"):
    """Trains `build_mnist_classifier()` on the train split of `mnist_split()`.

    Returns:
        `(model, history, test_accuracy)`; accuracy on the 1,000 held-out digits.
    """
    import keras

    keras.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = mnist_split(seed=seed)
    model = build_mnist_classifier(seed)
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=verbose,
                        validation_data=(x_test, y_test))
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    return model, history, float(accuracy)
