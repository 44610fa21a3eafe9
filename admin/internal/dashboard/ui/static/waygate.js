// Waygate dashboard behaviour: dialogs, toasts, local time zones and the
// live-update connection state. Everything works without it, as plain
// links and forms.
(function () {
  "use strict";

  function dialog() { return document.getElementById("dialog"); }

  // Action links open their form in the dialog.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a[data-dialog]");
    if (a && window.htmx && !e.ctrlKey && !e.metaKey && !e.shiftKey) {
      e.preventDefault();
      e.stopPropagation();
      htmx.ajax("GET", a.getAttribute("href"), { target: "#dialog-body", select: "#form-card", swap: "innerHTML" }).then(function () {
        var d = dialog();
        if (!d.open) { d.showModal(); }
        var first = d.querySelector("input:not([type=hidden]), select, textarea, button");
        if (first) { first.focus(); }
      });
      return;
    }
    var c = e.target.closest && e.target.closest("[data-close]");
    if (c && dialog() && dialog().open && dialog().contains(c)) {
      e.preventDefault();
      e.stopPropagation();
      dialog().close();
    }
  }, true);

  // Clicking the backdrop closes the dialog; Escape does natively.
  document.addEventListener("click", function (e) {
    var d = dialog();
    if (d && e.target === d) { d.close(); }
  });

  // datetime-local inputs are local times: send their UTC instant as well.
  function syncUTC(input) {
    var form = input.form, name = input.getAttribute("data-utc");
    if (!form || !name || !form.elements[name]) { return; }
    var t = input.value ? new Date(input.value) : null;
    form.elements[name].value = t && !isNaN(t) ? t.toISOString() : "";
  }
  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input[data-utc]")) { syncUTC(e.target); }
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("input[data-utc]")) { syncUTC(e.target); }
  });

  function decorate(root) {
    var tz = "UTC";
    try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC"; } catch (err) { /* keep UTC */ }
    root.querySelectorAll("[data-tz]").forEach(function (el) { el.textContent = tz; });
    root.querySelectorAll("input[data-utc]").forEach(syncUTC);
    root.querySelectorAll("[data-toast]").forEach(function (el) {
      setTimeout(function () { el.classList.add("hide"); }, 3500);
      setTimeout(function () { el.remove(); }, 4000);
    });
    // Keep live evaluation tables short.
    root.querySelectorAll("[data-cap]").forEach(function (el) {
      var cap = parseInt(el.getAttribute("data-cap"), 10) || 50;
      while (el.children.length > cap) { el.lastElementChild.remove(); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { decorate(document); });
  document.addEventListener("htmx:load", function (e) { decorate(e.detail.elt.parentNode || document); });
  document.addEventListener("htmx:sseMessage", function (e) {
    var el = e.target;
    if (el && el.hasAttribute && el.hasAttribute("data-cap")) { decorate(el.parentNode); }
  });

  // Close live-update streams when the page goes away: browsers allow
  // only six connections per host over HTTP/1.1, and a page kept in the
  // back/forward cache would hold its stream open.
  var sources = [];
  if (window.htmx && htmx.createEventSource) {
    var create = htmx.createEventSource;
    htmx.createEventSource = function (url) {
      var s = create(url);
      sources = sources.filter(function (x) { return x.readyState !== 2; });
      sources.push(s);
      return s;
    };
  }
  window.addEventListener("pagehide", function () {
    sources.forEach(function (s) { s.close(); });
    sources = [];
  });
  window.addEventListener("pageshow", function (e) {
    if (e.persisted) { location.reload(); }
  });

  // Live-update state in the footer; after a reconnect the page reloads
  // its live region, since changes may have been missed meanwhile.
  function setState(state, text) {
    var el = document.getElementById("live-state");
    if (el) { el.setAttribute("data-state", state); el.textContent = text; }
  }
  document.addEventListener("htmx:sseOpen", function (e) {
    var src = e.target;
    if (src.getAttribute("data-opened") === "1") {
      document.querySelectorAll("[hx-trigger*='refresh']").forEach(function (el) { htmx.trigger(el, "refresh"); });
    }
    src.setAttribute("data-opened", "1");
    setState("open", "live updates: on");
  });
  document.addEventListener("htmx:sseError", function () { setState("error", "live updates: reconnecting…"); });

  // A failed request that swaps nothing still says what happened.
  document.addEventListener("htmx:sendError", function () {
    var t = document.createElement("div");
    t.className = "toast"; t.setAttribute("role", "alert"); t.setAttribute("data-toast", "");
    t.textContent = "The server could not be reached. Try again.";
    document.body.appendChild(t);
    decorate(document.body);
  });
})();
