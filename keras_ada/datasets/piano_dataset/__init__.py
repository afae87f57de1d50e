"""The `piano_dataset` TFDS builder: solo piano audio at 16 kHz (see README.md)."""
