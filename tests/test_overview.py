"""The England overview table on the hand-made squares of tests/test_slivers.py (ICB I = X3 + X4,
J = X1 + X2; HWB HL = X1 + X3 reaches into J by 300 people, HR = X2 + X4 by a one-person sliver),
answers worked by hand."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from services.overview import england_overview, headline
from tests.test_slivers import _workspace


def test_one_row_per_icb_with_its_places_shares_splits_and_flags() -> None:
    ws = _workspace()
    table = england_overview(ws).set_index("icb_code")
    assert list(table.index) == ["I", "J"] and table["population"].tolist() == [1999, 301]
    assert table["places"].tolist() == [2, 2]
    # I: only "hwb HR (I)" (X4, 999 of HR's 1,000) is coterminous with an HWB area
    assert table.loc["I", "coterminous_share"] == pytest.approx(999 / 1999)
    assert table.loc["J", "coterminous_share"] == 0.0
    assert table["hwb_areas"].tolist() == [2, 1]  # HR's one person in J is a sliver
    assert table["hwb_split_names"].tolist() == ["hwb HL", "hwb HL"]
    assert table["lad_split_names"].tolist() == ["lad L", "lad L"]
    # HL split across ICBs and across places of both ICBs: in both ICBs' reports
    assert table["high"].tolist() == [2, 2]
    assert table.loc["J", "headline"] == "1 of 1 HWB area crosses into other ICBs: hwb HL."
    assert england_overview(ws) is england_overview(ws)  # cached in the workspace


def test_headlines_without_splits() -> None:
    row = SimpleNamespace(places=3, hwb_split=0, hwb_areas=3, hwb_split_names="", lad_split=0,
                          lad_split_names="", coterminous_share=1.0)
    assert headline(row) == "All 3 places match an HWB area; every council is whole."
    row.places, row.coterminous_share = 1, 0.5
    row.lad_split, row.lad_split_names = 1, "Craven"
    assert headline(row) == ("50% of people live in places matching one HWB area (1 place); "
                             "Craven crosses into other ICBs.")
