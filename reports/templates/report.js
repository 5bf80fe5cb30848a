/* The drift report's only script: sort, filter and page the findings table.
   Inlined into index.html and allowed by its CSP hash. It never builds markup from strings:
   every value from the audited repository is set with textContent. */
(function () {
  "use strict";
  var island = document.getElementById("data");
  var body = document.getElementById("findings-body");
  if (!island || !body) { document.documentElement.setAttribute("data-ready", "1"); return; }
  var data = JSON.parse(island.textContent);
  var all = data.findings || [];
  var SEV = { error: 3, warning: 2, info: 1 };
  var STATUS = { "new": 0, persisting: 1, baselined: 2, fixed: 3 };
  var ORIGIN = { ai: 0, mixed: 1, human: 2, unknown: 3 };
  var state = { key: null, dir: 1, page: 0, size: data.pageSize || 100, filters: {} };
  var view = all.slice();

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  function badge(prefix, value) { return el("span", "badge " + prefix + "-" + value, value); }
  function cell(child, cls) {
    var td = el("td", cls);
    if (typeof child === "string") { td.textContent = child; } else if (child) { td.appendChild(child); }
    return td;
  }
  function field(dl, term, value, cls) {
    if (!value) { return; }
    dl.appendChild(el("dt", null, term));
    dl.appendChild(el("dd", cls || null, value));
  }
  function details(f) {
    var box = el("details");
    box.appendChild(el("summary", null, f.msg || ""));
    var inner = el("div", "detail");
    if (f.snippet) {
      var pre = el("pre", "snippet");
      pre.appendChild(el("code", null, f.snippet));
      inner.appendChild(pre);
    }
    if (f.chain && f.chain.length) {
      inner.appendChild(el("p", "label", "Import chain"));
      var ol = el("ol", "chain");
      f.chain.forEach(function (hop) {
        var li = el("li");
        li.appendChild(el("code", null, hop[0]));
        li.appendChild(document.createTextNode(" \u2192 "));
        li.appendChild(el("code", null, hop[1]));
        li.appendChild(el("span", "muted", " line " + hop[2]));
        ol.appendChild(li);
      });
      inner.appendChild(ol);
    }
    var dl = el("dl");
    field(dl, "Guidance", f.guidance, "guidance");
    if (f.commit || f.author) {
      var who = (f.commit || "").slice(0, 10) + " " + (f.author || "") + (f.model ? " (" + f.model + ")" : "");
      field(dl, "Introduced by", who, "introduced");
    }
    field(dl, "Suppressed by", f.suppressed, "suppressed");
    field(dl, "Weakness", f.cwe);
    field(dl, "Kind", f.kind);
    dl.appendChild(el("dt", null, "Fingerprint"));
    var dd = el("dd");
    dd.appendChild(el("code", null, f.fp));
    dl.appendChild(dd);
    inner.appendChild(dl);
    box.appendChild(inner);
    return box;
  }
  function row(f) {
    var tr = el("tr", "finding");
    tr.setAttribute("data-index", String(f.i));
    tr.setAttribute("data-fp", f.fp);
    tr.appendChild(cell(badge("sev", f.sev)));
    tr.appendChild(cell(badge("st", f.status)));
    var origin = cell(badge("o", f.origin));
    if (f.agent) {
      origin.appendChild(document.createTextNode(" "));
      origin.appendChild(el("span", "agent", f.agent));
    }
    if (f.ev === "default") {
      origin.appendChild(document.createTextNode(" "));
      origin.appendChild(el("span", "evidence", "no marker"));
    }
    tr.appendChild(origin);
    tr.appendChild(cell(f.rule || "", "rule"));
    tr.appendChild(cell(f.loc || "", "loc"));
    tr.appendChild(cell(details(f), "msg"));
    tr.appendChild(cell(f.owner || ""));
    tr.appendChild(cell(f.layer || ""));
    tr.appendChild(cell(f.surface || ""));
    tr.appendChild(cell(f.seen || "", "seen"));
    return tr;
  }

  function text(f, key) {
    if (key === "agent") { return ((f.agent || "") + " " + (f.model || "")).toLowerCase(); }
    if (key === "q") { return [f.msg, f.loc, f.rule, f.fp, f.owner].join(" ").toLowerCase(); }
    return String(f[key] === undefined ? "" : f[key]).toLowerCase();
  }
  var EXACT = { sev: true, status: true, origin: true };
  function matches(f) {
    for (var key in state.filters) {
      var want = state.filters[key];
      if (!want) { continue; }
      if (EXACT[key] ? f[key] !== want : text(f, key).indexOf(want) < 0) { return false; }
    }
    return true;
  }
  function sortValue(f, key) {
    if (key === "sev") { return [-(SEV[f.sev] || 0)]; }
    if (key === "status") { return [STATUS[f.status]]; }
    if (key === "origin") { return [ORIGIN[f.origin], f.agent || ""]; }
    if (key === "loc") { return [f.path || "", f.line || 0]; }
    return [text(f, key)];
  }
  function compare(a, b) {
    var x = sortValue(a, state.key), y = sortValue(b, state.key);
    for (var k = 0; k < x.length; k++) {
      if (x[k] < y[k]) { return -state.dir; }
      if (x[k] > y[k]) { return state.dir; }
    }
    return a.i - b.i;
  }

  var info = document.getElementById("pager-info");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  function render() {
    var pages = Math.max(1, Math.ceil(view.length / state.size));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * state.size;
    var frag = document.createDocumentFragment();
    view.slice(start, start + state.size).forEach(function (f) { frag.appendChild(row(f)); });
    body.replaceChildren(frag);
    if (info) {
      info.textContent = view.length
        ? (start + 1) + "\u2013" + Math.min(start + state.size, view.length) + " of " + view.length +
          (view.length !== all.length ? " (filtered from " + all.length + ")" : "")
        : "no finding matches the filters (" + all.length + " in all)";
    }
    if (prev) { prev.disabled = state.page === 0; }
    if (next) { next.disabled = state.page >= pages - 1; }
  }
  function apply() {
    view = all.filter(matches);
    if (state.key) { view.sort(compare); }
    render();
  }

  Array.prototype.forEach.call(document.querySelectorAll("#findings-table th[data-sort]"), function (th) {
    var button = th.querySelector("button");
    if (!button) { return; }
    button.addEventListener("click", function () {
      var key = th.getAttribute("data-sort");
      state.dir = state.key === key ? -state.dir : 1;
      state.key = key;
      Array.prototype.forEach.call(document.querySelectorAll("#findings-table th[data-sort]"), function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", state.dir === 1 ? "ascending" : "descending");
      state.page = 0;
      apply();
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-filter]"), function (input) {
    var handler = function () {
      var key = input.getAttribute("data-filter");
      state.filters[key] = EXACT[key] ? input.value : input.value.trim().toLowerCase();
      state.page = 0;
      apply();
    };
    input.addEventListener("input", handler);
    input.addEventListener("change", handler);
  });
  var size = document.getElementById("page-size");
  if (size) {
    size.value = String(state.size);
    size.addEventListener("change", function () {
      state.size = parseInt(size.value, 10) || 100;
      state.page = 0;
      render();
    });
  }
  if (prev) { prev.addEventListener("click", function () { state.page = Math.max(0, state.page - 1); render(); }); }
  if (next) { next.addEventListener("click", function () { state.page += 1; render(); }); }
  ["findings-controls", "filter-row"].forEach(function (id) {
    var node = document.getElementById(id);
    if (node) { node.hidden = false; }
  });
  render();
  if (window.performance && performance.mark) { performance.mark("findings-rendered"); }
  document.documentElement.setAttribute("data-ready", "1");
})();
