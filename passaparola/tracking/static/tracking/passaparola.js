/*
 * Passaparola lead snippet, for the company website (first party, no cookies).
 * <script src="https://advocacy.example.com/static/tracking/passaparola.js" defer></script>
 * Keeps the click id from the landing address (?pp_click=...) in this site's localStorage,
 * and reports a lead for it: on submit of a form with data-passaparola-lead, on opening a page
 * whose body has data-passaparola-lead, or when a script calls passaparola.lead("order-123").
 * Optional attributes on the script tag: data-param (default pp_click), data-days (30),
 * data-endpoint (default: /tracking/lead on the platform that serves this file).
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var attr = function (name, fallback) {
    return (script && script.getAttribute(name)) || fallback;
  };
  var platform = script ? new URL(script.src, location.href).origin : "";
  var endpoint = attr("data-endpoint", platform + "/tracking/lead");
  var param = attr("data-param", "pp_click");
  var days = parseInt(attr("data-days", "30"), 10) || 30;
  var KEY = "passaparola.click";
  var ID = /^[A-Za-z0-9]{1,16}-[0-9a-f]{32}$/;

  function store(value) {
    try {
      localStorage.setItem(KEY, JSON.stringify({ id: value, at: Date.now() }));
    } catch (e) { /* storage disabled: nothing to keep */ }
  }

  function current() {
    try {
      var kept = JSON.parse(localStorage.getItem(KEY) || "null");
      if (kept && ID.test(kept.id) && Date.now() - kept.at < days * 86400000) {
        return kept.id;
      }
    } catch (e) { /* unreadable: treat as absent */ }
    return null;
  }

  function lead(externalId) {
    var click = current();
    if (!click) {
      return false;
    }
    var body = JSON.stringify({ click: click, external_id: String(externalId || "").slice(0, 120) });
    // A lead is often reported as the page goes away (a form that navigates): a beacon is
    // handed to the browser, which sends it after the page is gone. Plain text keeps it a
    // simple request (no preflight, which a beacon cannot make); the platform reads it as JSON.
    var sent = false;
    try {
      sent = !!(navigator.sendBeacon && navigator.sendBeacon(endpoint, body));
    } catch (e) { /* refused (an invalid endpoint): try fetch */ }
    if (!sent && window.fetch) {
      fetch(endpoint, {
        method: "POST", body: body, keepalive: true, mode: "cors", credentials: "omit",
        headers: { "Content-Type": "text/plain" }
      }).catch(function () {});
    }
    return true;
  }

  var landing = new URLSearchParams(location.search).get(param);
  if (landing && ID.test(landing)) {
    store(landing);
  }

  window.passaparola = { lead: lead, click: current };

  function wire() {
    if (document.body && document.body.hasAttribute("data-passaparola-lead")) {
      lead(document.body.getAttribute("data-passaparola-lead"));
    }
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (form && form.hasAttribute && form.hasAttribute("data-passaparola-lead")) {
        lead(form.getAttribute("data-passaparola-lead"));
      }
    }, true);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
