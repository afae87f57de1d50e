"""`python -m keras_ada`: the `keras-ada` command line."""

import sys

from keras_ada.cli import main

if __name__ == "__main__":
    sys.exit(main())
