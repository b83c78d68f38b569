"""Every component id, prefixed by page."""

URL = "app-url"
LANG_SINK = "app-lang-sink"
LIVE_REGION = "app-live-region"

URL_STATE = "app-url-state"
PRINT_BUTTON = "app-print-button"
PRINT_SINK = "app-print-sink"
OVERVIEW_SUBDIM_GRAPH = "overview-subdimension-graph"


def url_param(param) -> dict:
    """Id of a control whose value is written into the URL's query string."""
    return {"type": "url-param", "param": param}


def dom_id(component_id: dict | str) -> str:
    """The id attribute Dash gives a component in the page (for ``html_for`` and tests)."""
    if isinstance(component_id, str):
        return component_id
    return "{" + ",".join(f'"{k}":"{component_id[k]}"' for k in sorted(component_id)) + "}"


CONTROLS_MUNICIPALITY = dom_id(url_param("municipality"))
CONTROLS_YEAR = dom_id(url_param("year"))
PEERS_REQUEST = "peers-request"  # what the compare page asks the peer finder (a store the server fills)
PEERS_RESULT = "peers-result"
