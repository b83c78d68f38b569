// StaticTree (layouts/static_tree.py): static markup drawn as plain React elements, one Dash component per tree.
// A node is text, a number, [tag, attributes, ...children] or {"$": i}, the place of the i-th Dash child.
// Only the tags and attribute names below are drawn (the same lists as layouts/static_tree.py); nothing is
// parsed as markup, and a link must be relative, http(s) or mailto.
(function () {
  var TAGS = ["a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "footer", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "ins", "kbd", "legend", "li", "main", "mark", "nav", "ol",
    "p", "pre", "q", "s", "samp", "section", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr", "fieldset"];
  var ATTRIBUTES = ["className", "style", "title", "lang", "dir", "role", "tabIndex", "hidden", "open", "href",
    "hrefLang", "target", "rel", "download", "scope", "colSpan", "rowSpan", "headers", "abbr", "dateTime",
    "start", "reversed", "cite"];
  var WILDCARD = /^(aria|data)-[a-z][a-z0-9-]*$/;
  // an id: lower-case words joined by hyphens, never the name of a JavaScript global (layouts/static_tree.py)
  var SAFE_ID = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)+$/;
  var SAFE_HREF = /^(\/(?![\/\\])|#|\?|https?:\/\/|mailto:)[^\s\x00-\x1f\x7f\\]*$/i;
  var tagSet = {}, attrSet = {};
  TAGS.forEach(function (t) { tagSet[t] = true; });
  ATTRIBUTES.forEach(function (a) { attrSet[a] = true; });

  function props(attrs) {
    var out = {};
    if (!attrs || typeof attrs !== "object" || Array.isArray(attrs)) { return out; }
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (k === "id") {
        if (typeof v === "string" && SAFE_ID.test(v)) { out.id = v; }
        return;
      }
      if (!(attrSet[k] === true || WILDCARD.test(k))) { return; }
      if (k === "href" && !(typeof v === "string" && SAFE_HREF.test(v))) { return; }
      if (k === "style" && (!v || typeof v !== "object" || Array.isArray(v))) { return; }
      if (v !== null && typeof v === "object" && k !== "style") { return; }
      out[k] = v;
    });
    return out;
  }

  function build(node, slots) {
    if (typeof node === "string") { return node; }
    if (typeof node === "number") { return String(node); }
    if (Array.isArray(node)) {
      var tag = node[0];
      if (typeof tag !== "string" || tagSet[tag] !== true) { return null; }
      var args = [tag, props(node[1])];
      for (var i = 2; i < node.length; i++) { args.push(build(node[i], slots)); }
      return window.React.createElement.apply(null, args);
    }
    if (node && typeof node === "object" && typeof node.$ === "number") {
      var slot = slots[node.$];
      return slot === undefined ? null : slot;
    }
    return null;
  }

  function StaticTree(p) {
    var kids = p.children;
    var slots = kids === null || kids === undefined ? [] : (Array.isArray(kids) ? kids : [kids]);
    return build(p.tree, slots);
  }

  // Later (layouts/static_tree.py): its children, drawn once the page's first chart is on screen. While any
  // Later waits, <html> carries data-later (the number waiting), so tests and tools can tell a page that is
  // still drawing its lower part. window.dashboardCharts (assets/early-plotly.js) says when; without it,
  // the children are drawn after the first paint.
  var waiting = 0;

  function count(delta) {
    waiting += delta;
    if (waiting > 0) {
      document.documentElement.setAttribute("data-later", String(waiting));
    } else {
      document.documentElement.removeAttribute("data-later");
    }
  }

  function Later(p) {
    var React = window.React;
    var shown = React.useState(false);
    // a layout effect runs in the same task as the commit that puts the page on screen: a page is never
    // seen without its data-later while its Later waits
    React.useLayoutEffect(function () {
      var pending = true;
      count(1);
      function show() {
        if (!pending) { return; }
        pending = false;
        count(-1);
        shown[1](true);
      }
      var cancel = null;
      if (window.dashboardCharts) {
        cancel = window.dashboardCharts.afterFirstChart(show);
      } else {
        requestAnimationFrame(function () { setTimeout(show, 0); });
      }
      return function () {
        if (cancel) { cancel(); }
        if (pending) { pending = false; count(-1); }
      };
    }, []);
    if (!shown[0]) { return null; }
    return React.createElement.apply(null, [React.Fragment, null].concat(
      Array.isArray(p.children) ? p.children : [p.children]));
  }

  window.dashboard_static = {StaticTree: StaticTree, Later: Later};
})();
