/*
 * Trợ lý Kế hoạch: embeddable chat widget. One tag on a portal page:
 *   <script src="https://tro-ly.example.vn/widget.js" data-api-base="https://tro-ly.example.vn"
 *           data-api-key="KHÓA-ĐỌC" data-title="Trợ lý Kế hoạch" data-position="right" async></script>
 * Renders a floating button (in a shadow DOM, so portal styles do not leak in) that opens the chat page
 * in an iframe. The key travels in the iframe URL fragment, which is never sent to any server.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__planbotWidget) { return; }
  window.__planbotWidget = true;

  var src = script.getAttribute("src") || "";
  var defaultBase = src ? new URL(src, location.href).href.replace(/\/widget\.js(?:[?#].*)?$/, "") : "";
  var base = (script.getAttribute("data-api-base") || defaultBase).replace(/\/+$/, "");
  var key = script.getAttribute("data-api-key") || "";
  var title = script.getAttribute("data-title") || "Trợ lý Kế hoạch";
  var left = script.getAttribute("data-position") === "left";

  var css = [
    ":host { all: initial; }",
    ".btn { position: fixed; bottom: 20px; " + (left ? "left" : "right") + ": 20px; z-index: 2147483000;",
    "  width: 58px; height: 58px; border-radius: 50%; border: none; cursor: pointer; background: #b3261e;",
    "  color: #fff; font: 700 15px/1 system-ui, sans-serif; box-shadow: 0 4px 14px rgba(0,0,0,.25); }",
    ".btn:focus-visible { outline: 3px solid #9cc3ee; outline-offset: 2px; }",
    ".panel { position: fixed; bottom: 90px; " + (left ? "left" : "right") + ": 20px; z-index: 2147483000;",
    "  width: min(420px, calc(100vw - 40px)); height: min(640px, calc(100vh - 120px)); display: none;",
    "  flex-direction: column; background: #fff; border-radius: 12px; overflow: hidden;",
    "  box-shadow: 0 10px 40px rgba(0,0,0,.3); }",
    ".panel.open { display: flex; }",
    ".bar { display: flex; align-items: center; justify-content: space-between; padding: 8px 12px;",
    "  background: #b3261e; color: #fff; font: 600 15px system-ui, sans-serif; }",
    ".close { background: none; border: none; color: #fff; font-size: 22px; cursor: pointer; line-height: 1; }",
    "iframe { flex: 1; border: 0; width: 100%; }",
  ].join("\n");

  var host = document.createElement("div");
  host.setAttribute("data-planbot-widget", "");
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  var style = document.createElement("style");
  style.textContent = css;
  root.appendChild(style);

  var btn = document.createElement("button");
  btn.className = "btn";
  btn.type = "button";
  btn.textContent = "Hỏi";
  btn.setAttribute("aria-label", "Mở " + title);
  btn.setAttribute("aria-expanded", "false");

  var panel = document.createElement("div");
  panel.className = "panel";
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-label", title);
  var bar = document.createElement("div");
  bar.className = "bar";
  var label = document.createElement("span");
  label.textContent = title;
  var close = document.createElement("button");
  close.className = "close";
  close.type = "button";
  close.setAttribute("aria-label", "Đóng");
  close.textContent = "×";
  bar.appendChild(label);
  bar.appendChild(close);
  panel.appendChild(bar);

  var frame = null;
  function open(show) {
    if (show && !frame) {
      frame = document.createElement("iframe");
      frame.title = title;
      frame.src = base + "/?embed=1" + (key ? "#key=" + encodeURIComponent(key) : "");
      panel.appendChild(frame);
    }
    panel.classList.toggle("open", show);
    btn.setAttribute("aria-expanded", String(show));
    btn.textContent = show ? "×" : "Hỏi";
  }
  btn.addEventListener("click", function () { open(!panel.classList.contains("open")); });
  close.addEventListener("click", function () { open(false); btn.focus(); });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { open(false); } });

  root.appendChild(panel);
  root.appendChild(btn);
  function mount() { document.body.appendChild(host); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
