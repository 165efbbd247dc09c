/* Trợ lý Kế hoạch: "Việc cần làm" tab — who does what by when (GET v1/tasks), with a timeline. Plain JS. */
(function () {
  "use strict";

  var common = window.PlanbotCommon;
  var $ = common.$, el = common.el, headers = common.headers;
  var PANELS = ["chat", "directive", "tasks"];
  var RECURRENCE = { daily: "hằng ngày", monthly: "hằng tháng", quarterly: "hằng quý", half_yearly: "6 tháng một lần",
                     yearly: "hằng năm", periodic: "định kỳ" };

  function vnDate(iso) {
    if (!iso) { return ""; }
    var p = iso.split("-");
    return p[2] + "/" + p[1] + "/" + p[0];
  }
  function shorten(text, limit) {
    return text.length <= limit ? text : text.slice(0, limit - 1).replace(/[\s,;:.]+\S*$/, "") + "…";
  }

  // --- tabs: this panel joins the two of chat.js ----------------------------------------------------
  function show(which) {
    PANELS.forEach(function (name) {
      var tab = $("tab-" + name);
      var panel = $("panel-" + name);
      if (tab) { tab.setAttribute("aria-selected", String(name === which)); }
      if (panel) { panel.hidden = name !== which; }
    });
    if (which === "tasks") { $("tasks-agency").focus(); }
  }

  // --- rendering ------------------------------------------------------------------------------------
  function deadlineChip(d) {
    var norm = d.start && d.end && d.start !== d.end ? vnDate(d.start) + "–" + vnDate(d.end)
      : d.end ? vnDate(d.end) : (RECURRENCE[d.recurrence] || "");
    if (norm && norm.toLowerCase() === d.phrase.toLowerCase()) { norm = ""; }  // "định kỳ → định kỳ"
    var chip = el("span", "chip deadline", d.phrase + (norm ? " → " + norm : ""));
    chip.title = "Thời hạn (nguyên văn → chuẩn hóa)";
    return chip;
  }

  function timeline(plans) {
    var dated = [];
    var recurring = [];
    plans.forEach(function (plan) {
      plan.agencies.forEach(function (a) {
        a.duties.forEach(function (duty) {
          duty.deadlines.forEach(function (d) {
            var item = { d: d, agency: a.agency, text: duty.text, plan: plan.doc_title };
            if (d.end) { dated.push(item); } else { recurring.push(item); }
          });
        });
      });
    });
    dated.sort(function (x, y) { return x.d.end < y.d.end ? -1 : x.d.end > y.d.end ? 1 : 0; });
    var box = el("section", "task-timeline");
    box.appendChild(el("h3", null, "Mốc thời gian"));
    if (!dated.length) { box.appendChild(el("p", "hint", "Các kế hoạch này không ghi ngày cụ thể.")); }
    var ol = el("ol", "timeline");
    dated.forEach(function (item) {
      var li = el("li");
      li.appendChild(el("span", "when", vnDate(item.d.end)));
      var body = el("div", "what");
      body.appendChild(el("strong", null, item.agency));
      body.appendChild(el("span", null, " — " + shorten(item.text, 160)));
      body.appendChild(el("small", null, "«" + item.d.phrase + "» · " + item.plan));
      li.appendChild(body);
      ol.appendChild(li);
    });
    box.appendChild(ol);
    if (recurring.length) {
      box.appendChild(el("h4", null, "Định kỳ"));
      var ul = el("ul", "recurring");
      recurring.forEach(function (item) {
        var li = el("li");
        li.appendChild(el("span", "when", RECURRENCE[item.d.recurrence] || item.d.phrase));
        li.appendChild(el("span", null, " " + item.agency + " — " + shorten(item.text, 120)));
        ul.appendChild(li);
      });
      box.appendChild(ul);
    }
    return box;
  }

  function planBlock(plan) {
    var box = el("details", "task-plan");
    box.open = true;
    box.appendChild(el("summary", null, plan.doc_title));
    plan.agencies.forEach(function (a) {
      var head = el("h4", null, a.agency + " (" + a.duties.length + " việc)");
      head.title = a.section_path;
      box.appendChild(head);
      box.appendChild(el("p", "path", a.section_path));
      var ul = el("ul", "duties");
      a.duties.forEach(function (duty) {
        var li = el("li", null, duty.text);
        duty.deadlines.forEach(function (d) { li.appendChild(deadlineChip(d)); });
        if (duty.report && duty.report.to) {
          li.appendChild(el("span", "chip report",
            "báo cáo " + duty.report.to + (duty.report.via ? " (" + duty.report.via + ")" : "")));
        }
        ul.appendChild(li);
      });
      box.appendChild(ul);
    });
    return box;
  }

  function render(out, body) {
    out.textContent = "";
    if (!body.plans.length) {
      out.appendChild(el("p", "empty", "Không có việc nào khớp với điều kiện tìm."));
      return;
    }
    out.appendChild(el("p", "task-summary", body.duties + " việc của " + body.agencies + " đơn vị trong "
      + body.plans.length + " kế hoạch"));
    out.appendChild(timeline(body.plans));
    body.plans.forEach(function (plan) { out.appendChild(planBlock(plan)); });
  }

  async function load() {
    var out = $("tasks-results");
    var params = new URLSearchParams();
    var agency = $("tasks-agency").value.trim();
    var before = $("tasks-before").value;
    if (agency) { params.set("agency", agency); }
    if (before) { params.set("before", before); }
    out.textContent = "Đang tải…";
    try {
      var resp = await fetch("v1/tasks?" + params.toString(), { headers: headers() });
      if (!resp.ok) {
        var msg = "Lỗi " + resp.status + ".";
        try { var err = await resp.json(); if (err.error && err.error.message) { msg = err.error.message; } }
        catch (e) { /* not JSON */ }
        out.textContent = "";
        out.appendChild(el("div", "error", msg));
        return;
      }
      render(out, await resp.json());
    } catch (e) {
      out.textContent = "";
      out.appendChild(el("div", "error", "Không kết nối được máy chủ."));
    }
  }

  function init() {
    $("tab-tasks").addEventListener("click", function () { show("tasks"); if (!$("tasks-results").firstChild) { load(); } });
    $("tab-chat").addEventListener("click", function () { show("chat"); });
    $("tab-directive").addEventListener("click", function () { show("directive"); });
    $("tasks-form").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
