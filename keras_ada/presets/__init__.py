"""Presets shipped with keras-ada: trained models, by name.

Each preset is a directory of this package, `keras_ada/presets/<name>/`, in
KerasHub's layout (`config.json`, `model.weights.h5`, `metadata.json`, whose
`description` field is the preset's one-line description and whose other
fields are its model card). `from_preset(name)` loads one;
`keras_ada.models.Stack.presets` lists them. `python zoo/presets.py` trains
them.
"""
