"""What is built once per server and sent to every session is what Streamlit would send itself:
a shared Styler's table, a shared DataFrame's (ui/shared_styles.py). Tiny AppTest scripts, no
store."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _styled_app() -> None:
    import pandas as pd
    import streamlit as st

    from ui.shared_styles import shared
    from ui.tables import class_styled

    @st.cache_resource
    def styled():
        table = pd.DataFrame({"Area": ["a", "b"], "Population": [1000, 2000],
                              "Pop. Jaccard": [0.5, 0.25],
                              "Class (population)": ["within", "straddles"]})
        return table, shared(class_styled(table))

    table, styler = styled()
    st.dataframe(class_styled(table), hide_index=True)  # made in this session
    st.dataframe(styler, hide_index=True)  # shared: marshalled once


def test_a_shared_styler_sends_the_same_table_to_every_session() -> None:
    first = AppTest.from_function(_styled_app, default_timeout=60).run()
    second = AppTest.from_function(_styled_app, default_timeout=60).run()
    fresh, shared = first.main.children[0].proto, first.main.children[1].proto
    assert second.main.children[1].proto.arrow_data == shared.arrow_data
    # the same cells and classes as a Styler made in the session (the UUID is by position)
    assert list(fresh.arrow_data.styler.display_values) != [] \
        and fresh.arrow_data.data == shared.arrow_data.data \
        and fresh.arrow_data.styler.styles.count("background-color") \
        == shared.arrow_data.styler.styles.count("background-color")


def _frame_app() -> None:
    import pandas as pd
    import streamlit as st

    from ui.shared_styles import shared_frame

    @st.cache_resource
    def table() -> pd.DataFrame:
        return shared_frame(pd.DataFrame({"name": ["Bolton", "Bury"], "people": [1000, 2000]}))

    st.dataframe(table().copy(), hide_index=True)  # made in this session
    st.dataframe(table(), hide_index=True)  # shared: converted once
    st.table(table())


def test_a_shared_frame_sends_the_same_table_to_every_session() -> None:
    first = AppTest.from_function(_frame_app, default_timeout=60).run()
    second = AppTest.from_function(_frame_app, default_timeout=60).run()
    fresh, shared = first.main.children[0].proto, first.main.children[1].proto
    assert fresh.arrow_data.data == shared.arrow_data.data \
        == second.main.children[1].proto.arrow_data.data
    assert first.table[0].proto.arrow_data.data == second.table[0].proto.arrow_data.data \
        == fresh.arrow_data.data
