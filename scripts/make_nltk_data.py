"""Build the offline NLTK data folder that importing docassemble needs.

docassemble_pattern downloads the NLTK corpora wordnet, wordnet_ic and sentiwordnet
(and docassemble omw-1.4) on import, which fails without internet. This writes them
into NLTK_DATA from local sources: the real WordNet 3.0 files of Debian's
``wordnet-base`` package plus the ``lexnames`` file it lacks, and tiny stand-ins for
the other three corpora (this package uses none of them). Each corpus is written both
as ``corpora/<name>/`` and ``corpora/<name>.zip``.

Usage: python make_nltk_data.py TARGET_DIR [WORDNET_DIR]
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

LEXNAMES = (
    "adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute "
    "noun.body noun.cognition noun.communication noun.event noun.feeling noun.food noun.group "
    "noun.location noun.motive noun.object noun.person noun.phenomenon noun.plant "
    "noun.possession noun.process noun.quantity noun.relation noun.shape noun.state "
    "noun.substance noun.time verb.body verb.change verb.cognition verb.communication "
    "verb.competition verb.consumption verb.contact verb.creation verb.emotion verb.motion "
    "verb.perception verb.possession verb.social verb.stative verb.weather adj.ppl"
).split()
SYNTACTIC_CATEGORY = {"adj": 3, "adv": 4, "noun": 1, "verb": 2}
WORDNET_FILES = [
    f"{kind}.{pos}" for kind in ("data", "index") for pos in ("adj", "adv", "noun", "verb")
] + ["adj.exc", "adv.exc", "noun.exc", "verb.exc", "index.sense", "cntlist.rev"]

STAND_INS = {
    "wordnet_ic": {
        "ic-brown.dat": "wnver::eOS9lXC6GvMWznF1wkZofDdtbBU\n1740n 1915712.0 ROOT\n1740v 100.0 ROOT\n",
    },
    "sentiwordnet": {
        "SentiWordNet_3.0.0.txt": "# POS\tID\tPosScore\tNegScore\tSynsetTerms\tGloss\n",
    },
    "omw-1.4": {"README": "Offline stand-in: no multilingual wordnets.\n"},
}


def write_corpus(corpora: Path, name: str, files: dict[str, Path | str]) -> None:
    folder = corpora / name
    folder.mkdir(parents=True, exist_ok=True)
    for filename, source in files.items():
        if isinstance(source, Path):
            shutil.copyfile(source, folder / filename)
        else:
            (folder / filename).write_text(source, encoding="utf-8")
    with zipfile.ZipFile(corpora / f"{name}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        for filename in files:
            archive.write(folder / filename, f"{name}/{filename}")


def main(target: str, wordnet_dir: str = "/usr/share/wordnet") -> int:
    corpora = Path(target) / "corpora"
    if (corpora / "omw-1.4.zip").is_file() and (corpora / "wordnet" / "lexnames").is_file():
        return 0
    source = Path(wordnet_dir)
    missing = [name for name in WORDNET_FILES if not (source / name).is_file()]
    if missing:
        print(
            f"WordNet files missing in {source}: {', '.join(missing)}. "
            "Install Debian's wordnet-base and wordnet-sense-index packages.",
            file=sys.stderr,
        )
        return 1
    lexnames = "".join(
        f"{number:02d}\t{name}\t{SYNTACTIC_CATEGORY[name.split('.')[0]]}\n"
        for number, name in enumerate(LEXNAMES)
    )
    wordnet: dict[str, Path | str] = {name: source / name for name in WORDNET_FILES}
    wordnet["lexnames"] = lexnames
    write_corpus(corpora, "wordnet", wordnet)
    for name, files in STAND_INS.items():
        write_corpus(corpora, name, dict(files))
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:3]))
