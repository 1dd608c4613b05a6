import io
import zipfile

import pytest

from stories.export.bundle import write_bundle
from stories.export.content import Photo

from .kit import make_kit, make_photo

FOCAL = (1500, 300, 2100, 900)  # the pot, right of centre: crops must keep it


@pytest.fixture(scope="package")
def photo_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("photos")


@pytest.fixture(scope="package")
def photos(photo_dir):
    """Photos of several shapes; the last one is too small for 300 dpi on the label."""
    return (
        Photo(make_photo(photo_dir / "pot.jpg", (2400, 1600), 1, mark=FOCAL), "一锅辣子鸡", FOCAL, "main"),
        Photo(make_photo(photo_dir / "mortar.jpg", (1200, 1600), 2), "石臼舂辣椒", role="main"),
        Photo(make_photo(photo_dir / "scroll.jpg", (800, 3400), 3), "赶场的山路（长图）"),
        Photo(make_photo(photo_dir / "old.jpg", (300, 400), 4), "老照片"),
    )


@pytest.fixture(scope="package")
def kit(photos):
    return make_kit(photos)


@pytest.fixture(scope="package")
def bundle(kit, tmp_path_factory):
    """The kit exported once; its report and every file read back from the zip."""
    path = tmp_path_factory.mktemp("export") / "kit.zip"
    report = write_bundle(kit, path)
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    return report, files


@pytest.fixture(scope="package")
def label_pdf(bundle):
    return io.BytesIO(bundle[1]["packaging/label.pdf"])
