/* Trợ lý Kế hoạch: helpers shared by the page scripts (chat.js, tasks.js). Loaded first; plain JS. */
(function () {
  "use strict";

  var KEY_STORE = "planbot.apiKey";

  function $(id) { return document.getElementById(id); }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = text; }
    return node;
  }

  // The API key this tab holds (sessionStorage; "" when none or storage is off).
  function apiKey() {
    try { return sessionStorage.getItem(KEY_STORE) || ""; } catch (e) { return ""; }
  }

  // JSON request headers with the bearer key, plus any `extra` headers.
  function headers(extra) {
    var h = { "Accept": "application/json" };
    var key = apiKey();
    if (key) { h.Authorization = "Bearer " + key; }
    for (var k in extra || {}) { h[k] = extra[k]; }
    return h;
  }

  window.PlanbotCommon = { KEY_STORE: KEY_STORE, $: $, el: el, apiKey: apiKey, headers: headers };
})();
