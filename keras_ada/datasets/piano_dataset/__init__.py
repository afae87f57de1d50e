"""The `piano_dataset` TFDS builder: solo piano audio at 16 kHz (see README.md).

Importing it drops the messages that the libraries log during a build and that
ask nothing of the user (`keras_ada.library_logs`), in worker processes too;
importing its builder module also filters stderr (`keras_ada.native_logs`):
TensorFlow's C++ start-up lines, and the libraries' noise that worker processes
print before importing keras-ada. `tfds build piano_dataset` prints its
progress and real problems; `TF_CPP_MIN_LOG_LEVEL=0` keeps everything.
"""

from keras_ada.library_logs import drop_library_noise

drop_library_noise()
