"""The floor for the load benchmark (benchmarks/bench_load.py): the least a Streamlit app can
do for the same page opens. Three pages at the same URL paths as the dashboard's Map ("", the
default), Coterminosity and Coverage, each a title and a small table; no store, no sidebar, no
map. Served as the dashboard is (``streamlit run``, file watcher off, 127.0.0.1)."""

import pandas as pd
import streamlit as st

TABLE = pd.DataFrame({"area": ["A", "B", "C", "D", "E"], "population": [10, 20, 30, 40, 50],
                      "share": [0.1, 0.2, 0.3, 0.2, 0.2]})


def _page(title: str):
    def show() -> None:
        st.title(title)
        st.dataframe(TABLE, hide_index=True)
    return show


st.set_page_config(page_title="Floor", layout="wide")
PAGES = [st.Page(_page(title), title=title, url_path=path, default=path == "map")
         for path, title in (("map", "Map"), ("coterminosity", "Coterminosity"),
                             ("coverage", "Coverage"))]
st.navigation(PAGES).run()
