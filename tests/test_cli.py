import pytest

from gan_course.__main__ import main


def test_doctor_reports_missing_data_with_the_fix(keras_home, no_debian, capsys):
    assert main(["doctor"]) == 1
    out = capsys.readouterr().out
    for needed in ("tensorflow", "keras", "ipywidgets", "GPUs", "Fashion-MNIST", "MNIST"):
        assert needed in out
    assert "1 problem(s)" in out and "apt-get install dataset-fashion-mnist" in out


def test_doctor_passes_when_data_is_present(keras_home, tiny_fashion, monkeypatch, capsys):
    folder, _ = tiny_fashion
    monkeypatch.setenv("GAN_COURSE_FASHION_MNIST", str(folder))
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "OK from environment variable GAN_COURSE_FASHION_MNIST" in out and "All set" in out


def test_fetch_offline_fails_with_every_place(keras_home, capsys):
    assert main(["fetch", "mnist"]) == 1
    assert "Places tried" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["nonsense"])
