"""Every component id, prefixed by page."""

URL = "app-url"
LANG_SINK = "app-lang-sink"
LIVE_REGION = "app-live-region"

CONTROLS_MUNICIPALITY = "controls-municipality-select"
CONTROLS_YEAR = "controls-year-select"
OVERVIEW_SUBDIM_GRAPH = "overview-subdimension-graph"


def url_param(param: str) -> dict:
    """Id of a control whose value is written into the URL's query string."""
    return {"type": "url-param", "param": param}
