import re
from pathlib import Path

from setuptools import setup

here = Path(__file__).parent
version = re.search(r'__version__ = "([^"]+)"', (here / "docassemble/psobrief/__init__.py").read_text()).group(1)

setup(
    name="docassemble.psobrief",
    version=version,
    description=("Stimuleringsbrief PSO-Prestatieladder: a Dutch docassemble interview that writes the letter "
                 "and annex for chain partners"),
    long_description=(here / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="MIT",
    # docassemble is a namespace package: there is no docassemble/__init__.py.
    packages=["docassemble.psobrief"],
    include_package_data=True,
    package_data={"docassemble.psobrief": ["data/*/*"]},
    python_requires=">=3.10",
    # What the package imports; docassemble.base (the host) brings all of them, so none is
    # pinned here: docassemble's own pins decide the versions.
    install_requires=["pyyaml", "python-docx", "docxtpl", "docxcompose", "openpyxl", "babel", "Pillow",
                      "markupsafe", "lxml", "cryptography", "pikepdf", "pdfminer.six"],
    zip_safe=False,
)
