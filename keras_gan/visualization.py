"""Pictures of samples."""

import numpy as np


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
