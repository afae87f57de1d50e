"""The description of a zoo model's batches that Ray Tune's members rebuild."""

import os

from keras_ada.tuning.data import ZooData


def test_paths_are_absolute_for_members_in_other_working_directories(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    data = ZooData(
        length=64,
        batch_size=2,
        level_paths=["runs/1.2/model.keras"],
        codes_dir="runs/codes",
        data_dir="data",
    )
    assert data.level_paths == (str(tmp_path / "runs" / "1.2" / "model.keras"),)
    assert data.codes_dir == str(tmp_path / "runs" / "codes")
    assert data.data_dir == str(tmp_path / "data")
    assert ZooData(length=64, batch_size=2).data_dir is None
    assert os.path.isabs(ZooData(8, 1, codes_dir=".").codes_dir)
