"""``python -m unspin`` runs the command-line interface."""

from unspin.cli import main

raise SystemExit(main())
