"""keras-gan's pretrained presets: `manifest.json` and one KerasHub-style directory per entry.

Installed as the package data `keras_gan.presets`; read through `keras_gan.zoo`.
"""
