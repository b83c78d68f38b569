// Clientside callbacks: pure UI work that needs no server round trip.
(function () {
  // Parameters a URL may carry, in the order they are written (layouts/urls.py ALLOWED).
  var ALLOWED = ["lang", "municipality", "year", "dimension", "sub_dimension", "category",
                 "challenge_area", "band", "status", "verified", "q", "sort", "page"];
  // The compare page's own controls, mapped onto those parameters by applyChange.
  var DERIVED = ["cities", "year_from", "year_to", "scope", "focus"];
  var ANY = "all";  // a filter select's "no filter" choice
  var VALUE_RE = /^[0-9A-Za-z_.:, -]{0,64}$/;
  var MAX_LIST_ITEMS = 50, MAX_Q_CHARS = 200, MAX_SEARCH = 2000, MAX_CONTROLS = 40;

  function isControl(param) {
    return ALLOWED.indexOf(param) >= 0 || DERIVED.indexOf(param) >= 0;
  }

  // The query string as a map: allowed, non-empty parameters; the last of a repeated one wins.
  function parseQuery(search) {
    var q = {};
    new URLSearchParams(String(search || "").replace(/^\?/, "")).forEach(function (v, k) {
      if (ALLOWED.indexOf(k) >= 0 && v !== "") { q[k] = v; }
    });
    return q;
  }

  // Percent-encoding as Python's urlencode writes it (space as "+"), so a URL
  // is spelt the same whichever side built it.
  function encode(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    }).replace(/%20/g, "+");
  }

  function withParams(search, updates) {
    var q = parseQuery(search);
    Object.keys(updates).forEach(function (k) {
      var v = updates[k];
      if (v === null || v === undefined || v === "") { delete q[k]; } else { q[k] = String(v); }
    });
    var parts = ALLOWED.filter(function (k) { return k in q; }).map(function (k) {
      return encode(k) + "=" + encode(q[k]);
    });
    return parts.length ? "?" + parts.join("&") : "";
  }

  // A control's value as text, or null when it is not acceptable.
  function clean(param, value) {
    if (Array.isArray(value)) {
      if (value.length > MAX_LIST_ITEMS) { return null; }
      for (var i = 0; i < value.length; i++) {
        if (typeof value[i] !== "string" || !VALUE_RE.test(value[i])) { return null; }
      }
      return value.join(",");
    }
    if (value === null || value === undefined) { return ""; }
    var text;
    if (typeof value === "string") { text = value; }
    else if (typeof value === "number" && Number.isInteger(value)) { text = String(value); }
    else { return null; }
    if (param === "q") { return text.indexOf("\u0000") >= 0 ? null : text.trim().slice(0, MAX_Q_CHARS); }
    return VALUE_RE.test(text) ? text : null;
  }

  function shownText(shown, param) {
    var v = shown[param];
    return v === null || v === undefined ? "" : String(v);
  }

  function applyChange(search, param, value, shown) {
    if (value === ANY && ["scope", "focus", "year_from", "year_to"].indexOf(param) < 0) { value = ""; }
    if (param === "municipality") { return withParams(search, {municipality: value, year: null}); }
    // no city ticked: a page that needs one says so (shown.no_city names the value that asks for it);
    // elsewhere no municipality filter means every municipality
    if (param === "cities") { return withParams(search, {municipality: value || shownText(shown, "no_city"), page: null}); }
    // a "from" after the "to" is written as chosen: the server keeps it visible with a notice (never swapped)
    if (param === "year_from" || param === "year_to") {
      var a = param === "year_from" ? value : shownText(shown, "year_from");
      var b = param === "year_to" ? value : shownText(shown, "year_to");
      return withParams(search, {year: a && b && a !== b ? a + "-" + b : (a || b), page: null});
    }
    if (param === "scope") {
      var cut = value ? value.indexOf(":") : -1;
      var kind = cut >= 0 ? value.slice(0, cut) : value;
      var code = cut >= 0 ? value.slice(cut + 1).trim() : "";
      var clear = {dimension: null, sub_dimension: null, category: null, challenge_area: null};
      if (kind in clear && code) { clear[kind] = code; }
      return withParams(search, clear);
    }
    if (param === "focus") {
      var chosen = shownText(shown, "municipality").split(",").filter(function (m) { return m; });
      var order = value ? [value].concat(chosen.filter(function (m) { return m !== value; })) : chosen;
      return withParams(search, {municipality: order.join(",")});
    }
    var one = {page: null};
    one[param] = value;
    return withParams(search, one);
  }

  // The new query string, or null when no control was changed by the user or
  // an input is not acceptable. `inputs` are the url-param controls as Dash
  // lists them: {id: {type: "url-param", param: name}, value: ...}. `shown`
  // holds the values the page was drawn with; a control still showing its
  // drawn value was not changed (Dash reports every control as changed when a
  // page is inserted), so only one real change moves the URL. The server
  // validates every parameter again when it draws the page.
  function nextSearch(search, inputs, shown) {
    if (search !== null && search !== undefined && (typeof search !== "string" || search.length > MAX_SEARCH)) {
      return null;
    }
    if (!Array.isArray(inputs) || inputs.length > MAX_CONTROLS) { return null; }
    if (shown !== null && shown !== undefined && (typeof shown !== "object" || Array.isArray(shown))) { return null; }
    shown = shown || {};
    var changes = [];
    for (var i = 0; i < inputs.length; i++) {
      var item = inputs[i];
      if (!item || typeof item !== "object" || !item.id || typeof item.id !== "object") { return null; }
      var param = item.id.param;
      if (!isControl(param)) { return null; }
      var value = clean(param, item.value);
      if (value === null) { return null; }
      if (value !== shownText(shown, param)) { changes.push([param, value]); }
    }
    if (changes.length !== 1) { return null; }
    return applyChange(search || "", changes[0][0], changes[0][1], shown);
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    dashboard: {
      nextSearch: nextSearch,
      // A url-param control changed: write the query string (the page is then drawn from the URL). The
      // current query string is read from the browser, not from the Location's state, which holds what the
      // layout request's Referer said when the page opened (a proxy or browser may cut that down).
      urlControls: function (values, shown, search) {
        var dc = window.dash_clientside;
        var ctx = dc.callback_context;
        var inputs = ctx && ctx.inputs_list && ctx.inputs_list[0] ? ctx.inputs_list[0] : [];
        var current = window.location.search;
        var next = nextSearch(current, inputs, shown);
        return next === null || next === (current || "") ? dc.no_update : next;
      },
      // Keep <html lang> in step with ?lang= after client-side navigation.
      setLang: function (search) {
        var params = new URLSearchParams(search || "");
        var lang = params.get("lang") === "en" ? "en" : "nb";
        document.documentElement.setAttribute("lang", lang);
        return lang;
      },
      // The "print / save as PDF" button opens the browser's print dialog.
      print: function (clicks) {
        if (clicks) { window.print(); }
        return "";
      }
    }
  });
})();
