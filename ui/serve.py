"""``python -m ui.serve [port]``: the dashboard on 127.0.0.1 (what ``make run`` starts). The
store loads while the server starts and the first browser connects, instead of after the first
session has asked for it, as a plain ``streamlit run app.py`` would."""

from __future__ import annotations

import sys
import threading
from contextlib import suppress
from pathlib import Path

from streamlit.web import cli

APP = Path(__file__).resolve().parents[1] / "app.py"


def _load_workspace() -> None:
    import folium  # noqa: F401  (imported now, not by the first session's run)

    from services.io.store import StoreMissingError
    from ui.shared import warm_up

    with suppress(StoreMissingError):  # the first session shows it and says what to do
        warm_up()


def main(port: str = "8501") -> None:
    threading.Thread(target=_load_workspace, daemon=True).start()
    sys.argv = ["streamlit", "run", str(APP), "--server.address", "127.0.0.1",
                "--server.port", port, "--server.headless", "true",
                "--browser.gatherUsageStats", "false"]
    sys.exit(cli.main())


if __name__ == "__main__":
    main(*sys.argv[1:2])
