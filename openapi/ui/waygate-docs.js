// Waygate docs page: Swagger UI over the live patched OpenAPI document,
// with a banner listing what is in maintenance. The document is polled
// with If-None-Match, so an unchanged state costs a 304; a new ETag
// re-renders Swagger UI and the banner without reloading the page.
(function () {
  "use strict";

  var METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
  var body = document.body;
  var specURL = body.getAttribute("data-spec-url");
  var pollMs = Math.max(100, parseInt(body.getAttribute("data-poll-ms"), 10) || 1000);
  var banner = document.getElementById("waygate-banner");
  var live = document.getElementById("waygate-live");
  var etag = "";
  var lastText = "";
  var ui = null;
  var updates = 0;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // maintenanceOps lists the operations the document marks as in
  // maintenance.
  function maintenanceOps(spec) {
    var out = [];
    var base = (spec.swagger && spec.basePath && spec.basePath !== "/") ? spec.basePath.replace(/\/$/, "") : "";
    var paths = spec.paths || {};
    Object.keys(paths).forEach(function (p) {
      var item = paths[p] || {};
      METHODS.forEach(function (m) {
        var op = item[m];
        if (op && op["x-waygate-status"] === "maintenance") {
          out.push({ route: m.toUpperCase() + " " + base + p, reason: op["x-waygate-reason"] || "", until: op["x-waygate-retry-after"] || "" });
        }
      });
    });
    return out;
  }

  function renderBanner(spec) {
    var g = (spec.info && spec.info["x-waygate-global-maintenance"]) || {};
    var ops = maintenanceOps(spec);
    banner.replaceChildren();
    banner.className = "waygate-banner";
    if (g.enabled) {
      banner.classList.add("waygate-global");
      banner.appendChild(el("h2", "", "🔧 Site-wide maintenance: " + (g.reason || "temporarily unavailable")));
      if (g.exempt_paths && g.exempt_paths.length) {
        banner.appendChild(el("div", "", "Still served: " + g.exempt_paths.join(", ")));
      }
    }
    var own = ops.filter(function (o) { return !g.enabled || o.reason !== (g.reason || ""); });
    if (own.length) {
      if (!g.enabled) banner.classList.add("waygate-maintenance");
      banner.appendChild(el("h2", "", "🔧 In maintenance"));
      var ul = el("ul");
      own.forEach(function (o) {
        var li = el("li");
        li.appendChild(el("code", "", o.route));
        li.appendChild(document.createTextNode(": " + (o.reason || "temporarily unavailable") + (o.until ? " (until " + o.until + ")" : "")));
        ul.appendChild(li);
      });
      banner.appendChild(ul);
    }
    if (!g.enabled && !own.length) {
      banner.appendChild(el("span", "", "✓ Every documented operation is available."));
    }
  }

  // marked maps "METHOD /path" (as Swagger UI shows it, without the base
  // path) to the reason of each operation in maintenance.
  var marked = {};

  // markOperations outlines the operations in maintenance and gives each a
  // badge. Swagger UI re-renders its DOM freely, so a MutationObserver
  // calls it again; it only touches what is out of date.
  function markOperations() {
    var blocks = document.querySelectorAll("#swagger-ui .opblock");
    for (var i = 0; i < blocks.length; i++) {
      var block = blocks[i];
      var pathEl = block.querySelector(".opblock-summary-path");
      var methodEl = block.querySelector(".opblock-summary-method");
      if (!pathEl || !methodEl) continue;
      var key = methodEl.textContent.trim().toUpperCase() + " " + (pathEl.getAttribute("data-path") || "");
      var reason = Object.prototype.hasOwnProperty.call(marked, key) ? marked[key] : null;
      var badge = block.querySelector(".waygate-op-badge");
      if (reason === null) {
        if (block.classList.contains("waygate-op-maintenance")) block.classList.remove("waygate-op-maintenance");
        if (badge) badge.remove();
        continue;
      }
      if (!block.classList.contains("waygate-op-maintenance")) block.classList.add("waygate-op-maintenance");
      if (!badge) {
        badge = el("span", "waygate-op-badge", "🔧 MAINTENANCE");
        pathEl.parentNode.insertBefore(badge, pathEl.nextSibling);
      }
      if (badge.title !== reason) badge.title = reason;
    }
  }

  function render(text) {
    var spec = JSON.parse(text);
    renderBanner(spec);
    marked = {};
    var base = (spec.swagger && spec.basePath && spec.basePath !== "/") ? spec.basePath.replace(/\/$/, "") : "";
    maintenanceOps(spec).forEach(function (o) {
      var sp = o.route.indexOf(" ");
      marked[o.route.slice(0, sp) + " " + o.route.slice(sp + 1 + base.length)] = o.reason || "temporarily unavailable";
    });
    if (ui === null) {
      ui = window.SwaggerUIBundle({
        spec: spec,
        dom_id: "#swagger-ui",
        deepLinking: true,
        showExtensions: true,
        validatorUrl: null,
        presets: [window.SwaggerUIBundle.presets.apis],
        layout: "BaseLayout"
      });
    } else {
      ui.specActions.updateSpec(text);
    }
    markOperations();
    updates++;
    body.setAttribute("data-waygate-updates", String(updates));
  }

  new MutationObserver(markOperations).observe(document.getElementById("swagger-ui"), { childList: true, subtree: true });

  function status(text, paused) {
    live.textContent = text;
    live.className = paused ? "waygate-live waygate-paused" : "waygate-live";
  }

  var timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, pollMs);
  }

  function poll() {
    if (document.hidden) return; // resumed by visibilitychange
    var headers = { "Accept": "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(specURL, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (res) {
        if (res.status === 304) return null;
        if (!res.ok) throw new Error("GET " + specURL + " answered " + res.status);
        var tag = res.headers.get("ETag") || "";
        return res.text().then(function (text) {
          etag = tag;
          body.setAttribute("data-waygate-etag", etag);
          if (text !== lastText) {
            lastText = text;
            render(text);
          }
        });
      })
      .then(function () {
        status("Live: follows the server's state (checked " + new Date().toLocaleTimeString() + ")", false);
      })
      .catch(function (err) {
        status("Live updates paused: " + err.message + "; retrying", true);
      })
      .then(schedule);
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) poll();
  });
  poll();
})();
