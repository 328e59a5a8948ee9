"""`python build.py ...` is the same as the `briefkit` command, straight from a clone."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "src"))
from briefkit.cli import main  # noqa: E402

main()
