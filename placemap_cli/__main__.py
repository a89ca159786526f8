import sys

from placemap_cli import main

sys.exit(main())
