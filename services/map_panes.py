"""Leaflet panes that stack a map's layers in their drawing order (layers.MAP_ORDER) whatever
order they are added in: a layer sent to the browser after the others (ui/edit_redraw.py) still
lies under the layers drawn above it.

Leaflet draws the vector layers of one pane in one SVG, in the order they were added; a pane of
its own per layer, with a z-index by its rank, makes the order independent of that. The panes
lie above the overlay pane (400: the no-basemap backdrop stays underneath) and below the
shadow, marker and tooltip panes (500+). A pane takes no pointer events itself, so a pane on top
never hides the layers below it from the mouse; its paths stay interactive (leaflet.css).
"""

from __future__ import annotations

import folium

from layers import MAP_ORDER

#: z-index of the pane of the first layer of MAP_ORDER (the one drawn lowest).
FIRST_PANE_Z = 410
#: The selected area's outline, above every layer.
SELECTED_PANE = "placemap-selected"


def layer_pane(layer_id: str) -> str:
    """The name of ``layer_id``'s pane."""
    return f"placemap-{layer_id}"


#: Every pane, lowest first.
PANES: tuple[str, ...] = (*(layer_pane(layer_id) for layer_id in MAP_ORDER), SELECTED_PANE)


def pane_z_index(pane: str) -> int:
    """Where a pane stacks: by its layer's rank in MAP_ORDER, the selected outline on top."""
    return FIRST_PANE_Z + PANES.index(pane)


def add_layer_panes(fmap: folium.Map) -> None:
    """Create every pane (call before adding layers)."""
    for pane in PANES:
        folium.map.CustomPane(pane, z_index=pane_z_index(pane), pointer_events=False).add_to(fmap)
