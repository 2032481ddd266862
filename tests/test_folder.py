"""Training on your own folder of images: `keras_gan.data.from_directory` and `keras-gan train --dataset DIR`."""

import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

import keras_gan
from conftest import cli_error
from keras_gan import cli, data

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)
TINY = ["--image-size", "16", "--batch-size", "4", "--latent-dim", "8", "--filters", "4"]


def _value(v):
    """A 0-255 value in the [-1, 1] range of the arrays."""
    return np.asarray(v, dtype="float32") / 127.5 - 1.0


def _thirds(size, colours, vertical=False):
    """An RGB image of `size` (width, height) in three bands of `colours`, left to right (or top to bottom)."""
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    width, height = size
    for i, colour in enumerate(colours):
        box = (0, i * height // 3, width, (i + 1) * height // 3) if vertical else \
            (i * width // 3, 0, (i + 1) * width // 3, height)
        draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=colour)
    return image


def _write_truncated_png(path):
    noise = np.random.default_rng(0).integers(0, 256, (40, 40, 3), dtype=np.uint8)
    Image.fromarray(noise).save(path)
    path.write_bytes(path.read_bytes()[:300])  # the header reads, the pixels do not


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """8 images in two class subfolders, of mixed sizes and modes, one truncated PNG and files to ignore."""
    root = tmp_path_factory.mktemp("pictures")
    circles, squares = root / "circles", root / "squares"
    (circles / "more").mkdir(parents=True)
    squares.mkdir()
    clear = Image.new("RGBA", (48, 36), (*BLUE, 0))
    ImageDraw.Draw(clear).ellipse((12, 6, 36, 30), fill=(*BLUE, 255))
    clear.save(circles / "blue_on_clear.png")
    Image.new("RGB", (64, 48), GREEN).save(circles / "green.jpg", quality=95)
    _thirds((30, 60), (RED, (255, 255, 0), BLUE), vertical=True).save(circles / "more" / "tall.png")
    Image.new("RGB", (40, 40), RED).save(circles / "red.png")
    Image.new("L", (36, 36), 100).save(squares / "gray.png")
    Image.new("LA", (40, 50), (30, 128)).save(squares / "gray_alpha.png")
    Image.new("RGB", (24, 24), (255, 0, 255)).convert("P").save(squares / "magenta.gif")
    _thirds((90, 30), (RED, GREEN, BLUE)).save(squares / "wide.png")
    _write_truncated_png(squares / "broken.png")
    (squares / "notes.txt").write_text("not an image")
    (root / ".DS_Store").write_bytes(b"\0" * 16)
    return root


# The decodable files in the order of their sorted paths, as from_directory returns them.
FILES = ["circles/blue_on_clear.png", "circles/green.jpg", "circles/more/tall.png", "circles/red.png",
         "squares/gray.png", "squares/gray_alpha.png", "squares/magenta.gif", "squares/wide.png"]


def _load(folder, *args, **kwargs):
    with pytest.warns(UserWarning, match=r"1 of 9 image files .* do not decode .*squares/broken\.png \(OSError"):
        return data.from_directory(folder, *args, **kwargs)


def test_a_mixed_folder_comes_back_at_the_asked_size_with_labels_from_its_subfolders(folder):
    x, y = _load(folder, 16)
    assert x.shape == (8, 16, 16, 3) and x.dtype == np.float32 and x.min() >= -1 and x.max() <= 1
    assert data.directory_class_names(folder) == ["circles", "squares"]
    assert y.dtype == np.int32 and y.tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    at = {name: x[i] for i, name in enumerate(FILES)}
    np.testing.assert_allclose(at["circles/red.png"], np.broadcast_to(_value(RED), (16, 16, 3)), atol=1e-6)
    np.testing.assert_allclose(at["circles/green.jpg"][8, 8], _value(GREEN), atol=0.05)  # JPEG's rounding
    np.testing.assert_allclose(at["circles/blue_on_clear.png"][0, 0], _value((255, 255, 255)), atol=1e-6)
    np.testing.assert_allclose(at["circles/blue_on_clear.png"][8, 8], _value(BLUE), atol=1e-6)
    np.testing.assert_allclose(at["squares/gray.png"], np.full((16, 16, 3), _value(100)), atol=1e-6)
    # 30 at alpha 128 over white: 30 * 128/255 + 255 * 127/255 = 142.06.
    np.testing.assert_allclose(at["squares/gray_alpha.png"], np.full((16, 16, 3), _value(142)), atol=1e-6)
    np.testing.assert_allclose(at["squares/magenta.gif"][8, 8], _value((255, 0, 255)), atol=1e-6)
    # The centre square of a 90x30 red | green | blue image is the green third.
    np.testing.assert_allclose(at["squares/wide.png"][:, 3:13], np.full((16, 10, 3), _value(GREEN)), atol=0.02)

    unlabelled, none = _load(folder, 16, labels=None)
    assert none is None and np.array_equal(unlabelled, x)


def test_background_and_padding(folder):
    x, _ = _load(folder, 16, aspect="pad", background="black")
    at = {name: x[i] for i, name in enumerate(FILES)}
    np.testing.assert_allclose(at["circles/blue_on_clear.png"][1, 1], _value((0, 0, 0)), atol=1e-6)
    np.testing.assert_allclose(at["squares/gray_alpha.png"][8, 8], _value(15), atol=1e-6)  # 30 * 128/255
    wide = at["squares/wide.png"]  # 90x30 fit into 16x16: a 16x5 strip at rows 5-9, black above and below
    np.testing.assert_allclose(wide[:5], -1.0, atol=1e-6)
    np.testing.assert_allclose(wide[10:], -1.0, atol=1e-6)
    np.testing.assert_allclose(wide[7, [1, 8, 14]], _value([RED, GREEN, BLUE]), atol=0.1)
    tall = at["circles/more/tall.png"]  # 30x60 fit into 16x16: an 8x16 strip, red above blue
    np.testing.assert_allclose(tall[:, :4], -1.0, atol=1e-6)
    np.testing.assert_allclose(tall[[1, 14], 8], _value([RED, BLUE]), atol=0.1)

    hex_background, _ = _load(folder, 16, background="#808080", labels=None)
    np.testing.assert_allclose(hex_background[0, 0, 0], _value((128, 128, 128)), atol=1e-6)


def test_grayscale_is_kept_or_expanded_and_colour_converted(tmp_path):
    Image.new("L", (20, 20), 100).save(tmp_path / "gray.png")
    Image.new("LA", (20, 30), (30, 128)).save(tmp_path / "gray_alpha.png")
    kept, _ = data.from_directory(tmp_path, 16)  # every image grayscale: one channel
    assert kept.shape == (2, 16, 16, 1)
    np.testing.assert_allclose(kept[:, 8, 8, 0], _value([100, 142]), atol=1e-6)
    expanded, _ = data.from_directory(tmp_path, 16, channels=3)
    np.testing.assert_allclose(expanded, np.repeat(kept, 3, axis=-1), atol=1e-6)
    coloured, _ = data.from_directory(tmp_path, 16, background="red")  # a red background makes LA colour
    assert coloured.shape == (2, 16, 16, 3)
    Image.fromarray(np.full((20, 20), 257 * 100, dtype=np.uint16)).save(tmp_path / "gray_16_bit.png")
    assert data.from_directory(tmp_path, 16)[0].shape == (3, 16, 16, 1)
    np.testing.assert_allclose(data.from_directory(tmp_path, 16)[0][1], _value(100), atol=1e-6)  # not clipped at 255
    Image.new("RGB", (20, 20), BLUE).save(tmp_path / "blue.png")
    luminance, _ = data.from_directory(tmp_path, 16, channels=1)
    assert luminance.shape == (4, 16, 16, 1)
    np.testing.assert_allclose(luminance[0, 8, 8, 0], _value(29), atol=1e-6)  # 0.114 * 255, ITU-R 601


def test_resizing_is_anti_aliased_and_turns_photos_upright(tmp_path):
    board = (np.indices((64, 64)).sum(axis=0) % 2 * 255).astype(np.uint8)  # 1-pixel black/white checks
    Image.fromarray(board).convert("RGB").save(tmp_path / "checks.png")
    x, _ = data.from_directory(tmp_path, 16)
    assert np.abs(x).max() < 0.05  # the mean grey, where point sampling gives pure black or white
    odd = tmp_path / "odd"
    odd.mkdir()
    Image.new("RGB", (49, 50), RED).save(odd / "odd.png")  # its crop box came out at -1e-15 and failed once
    np.testing.assert_allclose(data.from_directory(odd, 16)[0], np.broadcast_to(_value(RED), (1, 16, 16, 3)))

    photo = tmp_path / "photo"
    photo.mkdir()
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display": the stored left half shows on top
    side_by_side = Image.new("RGB", (40, 20), RED)
    side_by_side.paste(BLUE, (20, 0, 40, 20))
    side_by_side.save(photo / "phone.jpg", exif=exif, quality=95)
    x, _ = data.from_directory(photo, (32, 16))  # 40 high x 20 wide once upright: covers 32x16
    np.testing.assert_allclose(x[0, [2, 29], 8], _value([RED, BLUE]), atol=0.1)


def test_images_smaller_than_asked_are_refused_by_name_or_upscaled(tmp_path):
    Image.new("RGB", (10, 12), RED).save(tmp_path / "small.png")
    Image.new("RGB", (40, 40), RED).save(tmp_path / "large.png")
    with pytest.raises(ValueError, match=r"1 of 2 images in .* are smaller than the asked 16x16 .*: "
                                         r"small\.png \(12x10\)\. Expected every image to cover 16x16.*"
                                         r"image_size.*allow_upscale=True \(CLI: --upscale\)"):
        data.from_directory(tmp_path, 16)
    with pytest.raises(ValueError, match=r"small\.png \(12x10\)"):
        data.from_directory(tmp_path, 16, aspect="pad")
    x, _ = data.from_directory(tmp_path, 16, allow_upscale=True)
    np.testing.assert_allclose(x, np.broadcast_to(_value(RED), (2, 16, 16, 3)), atol=1e-6)
    x, _ = data.from_directory(tmp_path, 10)  # 10 fits both after the centre crop
    assert x.shape == (2, 10, 10, 3)


def test_bad_folders_get_errors_that_say_what_came_and_the_fix(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / ".hidden").write_text("x")
    with pytest.raises(ValueError, match=r"empty holds no files\. Expected PNG or JPEG images \(\.png, \.jpg"):
        data.from_directory(empty)
    texts = tmp_path / "texts"
    texts.mkdir()
    for name in ("a.txt", "b.csv"):
        (texts / name).write_text("1,2")
    with pytest.raises(ValueError, match=r"holds 2 files but no images: a\.txt, b\.csv\. Expected PNG or JPEG"):
        data.load(str(texts))
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "a.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    _write_truncated_png(broken / "b.png")
    with pytest.raises(ValueError, match=r"2 of 2 image files .* do not decode .*a\.png \(.*b\.png \(OSError.*"
                                         r"Expected PNG or JPEG images that open in an image viewer"):
        data.from_directory(broken)
    with pytest.raises(ValueError, match="which is not a folder"):
        data.from_directory(tmp_path / "nowhere")
    for kwargs, match in [({"aspect": "stretch"}, "aspect must be 'crop'"), ({"channels": 4}, "channels must be 1"),
                          ({"background": "sky"}, "background must be a colour name"),
                          ({"image_size": (0, 8)}, "image_size must be"), ({"labels": "folders"}, "labels must be")]:
        with pytest.raises(ValueError, match=match):
            data.from_directory(texts, **kwargs)


def test_images_beside_class_subfolders_are_left_out_with_a_warning_and_limit_keeps_a_subset(tmp_path):
    for label, name in enumerate(("cats", "dogs")):
        (tmp_path / name).mkdir()
        for i in range(4):  # each image its own red level, 30 * (its index + 1)
            Image.new("RGB", (16, 16), (30 * (4 * label + i + 1), 0, 0)).save(tmp_path / name / f"{i}.png")
    Image.new("RGB", (16, 16), RED).save(tmp_path / "loose.png")
    (tmp_path / "empty").mkdir()  # holds no images: not a class
    with pytest.warns(UserWarning, match=r"Left out 1 image file\(s\) directly in .*, in no class subfolder "
                                         r"\(cats, dogs\): loose\.png\. Move them"):
        x, y = data.from_directory(tmp_path, 16)
    assert len(x) == 8 and data.directory_class_names(tmp_path) == ["cats", "dogs"]
    x, y = data.from_directory(tmp_path, 16, labels=None)
    assert len(x) == 9 and y is None
    (tmp_path / "loose.png").unlink()
    x, y = data.from_directory(tmp_path, 16, limit=5)
    index = np.round((x[:, 0, 0, 0] + 1) * 127.5 / 30).astype(int) - 1  # which of the 8 images
    assert len(x) == 5 and len(set(index.tolist())) == 5  # five different images
    np.testing.assert_array_equal(y, index // 4)  # each with its own folder's label
    assert index.tolist() == sorted(index.tolist()) and index.tolist() != [0, 1, 2, 3, 4]  # in file order, random
    np.testing.assert_array_equal(data.from_directory(tmp_path, 16, limit=5)[0], x)  # the same subset each time
    x_all, _ = data.from_directory(tmp_path, 16)
    np.testing.assert_array_equal(x_all[index], x)


def _argv(folder, out, *extra, model="dcgan"):
    return ["train", model, "--dataset", str(folder), "--out", str(out), *TINY, *extra]


def _train(folder, out, *extra, model="dcgan"):
    """`keras-gan train`: `from_directory`, then `fit` on its arrays (the Python path, run on each backend)."""
    return cli.main(_argv(folder, out, *extra, model=model))


def _optimizer_steps(out, model):
    """The generator optimizer's step count stored in `out/checkpoint`."""
    model.compile()
    model.optimizer.build(model.trainable_variables)  # as BackupAndRestore does before loading
    model.load_weights(str(out / "checkpoint" / "latest.weights.h5"))
    return int(model.g_optimizer.iterations)


def test_cli_trains_on_a_folder_and_resumes_from_the_last_epoch(folder, tmp_path, capsys):
    out = tmp_path / "run"
    assert _train(folder, out, "--epochs", "1") == 0
    first = capsys.readouterr()
    assert "Read 8 images from" in first.out and "as 16x16x3" in first.out and "classes" not in first.out
    assert "warning: 1 of 9 image files" in first.err and "squares/broken.png" in first.err
    assert (out / "epochs" / "epoch_001.png").exists()

    assert _train(folder, out, "--epochs", "2", "--resume") == 0
    second = capsys.readouterr().out
    assert f"Resuming {out} after epoch 1 of 2" in second and "Epoch 2/2" in second and "Epoch 1/2" not in second
    assert (out / "epochs" / "epoch_002.png").exists()
    meta = json.loads((out / "metadata.json").read_text())
    assert meta["fit"]["epochs"] == 2 and meta["fit"]["resumed_after_epoch"] == 1
    loaded = keras_gan.zoo.load(str(out), compile=False)
    assert loaded.data_shape == (16, 16, 3)
    # Two epochs of 2 steps: the second run started from the first one's optimizer state.
    assert _optimizer_steps(out, loaded) == 4

    cli_error(capsys, _argv(folder, out, "--epochs", "2", "--resume"),
              r"has trained 2 epochs already and --epochs is 2.*pass more than 2")
    cli_error(capsys, _argv(folder, out, "--epochs", "3", "--resume", "--filters", "8"),
              r"this run's model differs: filters 4 then, 8 now.*Repeat the earlier run's options: keras-gan train "
              r"dcgan --dataset")
    cli_error(capsys, _argv(folder, tmp_path / "fresh", "--epochs", "1", "--resume"),
              r"--resume: .* holds no checkpoint.*run without --resume")


def test_cli_cgan_counts_the_classes_of_the_subfolders(folder, tmp_path, capsys):
    out = tmp_path / "cgan"
    assert _train(folder, out, "--epochs", "1", "--aspect", "pad", "--background", "black", model="cgan") == 0
    assert "2 classes: circles, squares" in capsys.readouterr().out
    loaded = keras_gan.zoo.load(str(out), compile=False)
    assert loaded.num_classes == 2 and loaded.data_shape == (16, 16, 3)
    assert np.isfinite(loaded.generate(2, labels=[0, 1], seed=0)).all()
    assert _optimizer_steps(out, loaded) == 2  # 8 labelled images, batches of 4
    cli_error(capsys, _argv(folder, out, "--epochs", "1", "--num-classes", "3", model="cgan"),
              "--num-classes 3 disagrees with the 2 class subfolders")


def test_cli_refuses_what_a_folder_cannot_give(folder, tmp_path, capsys):
    flat = tmp_path / "flat"
    flat.mkdir()
    Image.new("RGB", (20, 20), RED).save(flat / "a.png")
    cli_error(capsys, _argv(flat, tmp_path / "run", "--epochs", "1", model="cgan"),
              r"cgan needs class labels, but .* has none: it has no subfolders of images\. Put each class's images "
              r"in a subfolder of its own")
    cli_error(capsys, _argv(flat, tmp_path / "run", "--epochs", "1", "--image-size", "32"),
              r"smaller than the asked 32x32.*--upscale")
    cli_error(capsys, _argv(flat, tmp_path / "run", "--epochs", "1", "--image-size", "10"),
              "DCGAN needs images whose sides halve")
    cli_error(capsys, _argv(flat, tmp_path / "run", "--epochs", "1", "--image-size", "24", model="stylegan2"),
              "stylegan2 needs square images whose side is a power of two.*gives 24x24x3")
    cli_error(capsys, ["train", "dcgan", "--dataset", "mnist_5k", "--out", str(tmp_path / "run"), "--background",
                       "black", "--upscale"], r"--background, --upscale apply to folders of images, but 'mnist_5k'")
