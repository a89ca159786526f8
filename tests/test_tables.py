"""Dashboard tables keep areas apart even when their names are the same (wards often are)."""

from __future__ import annotations

import pandas as pd

from services.coverage import Coverage
from ui.tables import coverage_bars


def test_areas_sharing_a_name_get_their_own_bar() -> None:
    rows = pd.DataFrame({"b_code": ["E05000001", "E05000002", "E05000003"],
                         "b_name": ["St Mary's", "St Mary's", "Crompton"],
                         "population": [100, 200, 300]})
    cover = Coverage(a_code="X", population=600, rows=rows, uncovered=0, double_counted=0,
                     population_method="exact")
    bars = coverage_bars(cover)
    assert bars.to_dict() == {"St Mary's (E05000001)": 100, "St Mary's (E05000002)": 200,
                              "Crompton": 300}
