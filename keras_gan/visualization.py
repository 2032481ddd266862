"""Pictures of samples."""

import numpy as np

__all__ = ["image_grid", "plot_history", "save_image_grid"]


def image_grid(images, columns=None):
    """Tiles images into one array.

    Args:
        images: `(n, h, w, c)` in [-1, 1].
        columns: images per row (default: square-ish).

    Returns:
        `(rows*h, columns*w, c)` float array in [0, 1].
    """
    images = np.asarray(images, dtype="float32")
    n, h, w, c = images.shape
    columns = columns or int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / columns))
    grid = np.ones((rows * h, columns * w, c), dtype="float32")
    for i, image in enumerate(images):
        r, col = divmod(i, columns)
        grid[r * h : (r + 1) * h, col * w : (col + 1) * w] = (np.clip(image, -1, 1) + 1) / 2
    return grid


def save_image_grid(images, path, columns=None):
    """Writes images in [-1, 1] as one PNG grid.

    Args:
        images: `(n, h, w, c)` array, c = 1 or 3.
        path: output file.
        columns: images per row.
    """
    from matplotlib import image as mpimg

    grid = image_grid(images, columns)
    if grid.shape[-1] == 1:
        mpimg.imsave(path, grid[..., 0], cmap="gray", vmin=0.0, vmax=1.0)
    else:
        mpimg.imsave(path, grid)


def plot_history(history, path):
    """Plots the logged losses and D's outputs per epoch into one PNG (`val_` figures dashed).

    Args:
        history: a `keras.callbacks.History` or its `.history` dict.
        path: output file.
    """
    from matplotlib.figure import Figure

    logs = getattr(history, "history", history)
    fig = Figure(figsize=(9, 3.5))
    loss_ax, d_ax = fig.subplots(1, 2)
    colours = {}
    for name, values in sorted(logs.items(), key=lambda item: (item[0].removeprefix("val_"), item[0])):
        if name.endswith("learning_rate"):
            continue
        epochs = range(1, len(values) + 1)
        base = name.removeprefix("val_")
        ax = loss_ax if base.endswith("loss") else d_ax
        # Held-out figures dashed in their training figure's colour: d_real above val_d_real is D overfitting.
        line, = ax.plot(epochs, values, marker="o", label=name, color=colours.get(base),
                        linestyle="--" if name.startswith("val_") else "-")
        colours.setdefault(base, line.get_color())
    loss_ax.set(title="losses", xlabel="epoch")
    d_ax.set(title="mean D output (d_real, d_fake; val_: held-out reals) and other figures", xlabel="epoch")
    for ax in (loss_ax, d_ax):
        ax.xaxis.get_major_locator().set_params(integer=True)
    for ax in (loss_ax, d_ax):
        ax.legend()
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
