import sys

from keras_gan.cli import main

sys.exit(main())
