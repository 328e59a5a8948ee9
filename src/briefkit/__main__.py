"""python -m briefkit ... is the same as the `briefkit` command."""
from briefkit.cli import main

main()
