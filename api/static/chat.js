/* Trợ lý Kế hoạch: web chat. Plain JS, no build step, no external resources. */
(function () {
  "use strict";

  var common = window.PlanbotCommon;
  var KEY_STORE = common.KEY_STORE;
  var $ = common.$, el = common.el, apiKey = common.apiKey, headers = common.headers;
  var MAX_HISTORY = 8;
  var history = [];
  var controller = null;


  // --- API key: from the URL fragment (#key=… set by widget.js), else this tab's storage ---------------
  function readKeyFromHash() {
    var m = /(?:^#|&)key=([^&]+)/.exec(location.hash || "");
    if (m) {
      try { sessionStorage.setItem(KEY_STORE, decodeURIComponent(m[1])); } catch (e) { /* storage off */ }
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", location.pathname + location.search);
      }
    }
  }
  function askForKey() {
    $("key-box").hidden = false;
    $("key-input").focus();
  }

  async function errorMessage(resp) {
    var msg = "Lỗi " + resp.status + ".";
    try {
      var body = await resp.json();
      if (body && body.error && body.error.message) { msg = body.error.message; }
    } catch (e) { /* not JSON */ }
    if (resp.status === 401) { askForKey(); }
    var retry = resp.headers.get("Retry-After");
    if (retry && (resp.status === 503 || resp.status === 429)) { msg += " (thử lại sau " + retry + " giây)"; }
    return msg;
  }

  // --- rendering ---------------------------------------------------------------------------------
  function scrollDown() { window.scrollTo(0, document.body.scrollHeight); }

  function renderAnswerText(container, text, onCite) {
    container.textContent = "";
    var re = /\[(\d{1,3})\]/g;
    var last = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) { container.appendChild(document.createTextNode(text.slice(last, m.index))); }
      var btn = el("button", "cite-ref", m[1]);
      btn.type = "button";
      btn.title = "Xem nguồn [" + m[1] + "]";
      btn.setAttribute("data-n", m[1]);
      btn.addEventListener("click", onCite);
      container.appendChild(btn);
      last = re.lastIndex;
    }
    if (last < text.length) { container.appendChild(document.createTextNode(text.slice(last))); }
  }

  function renderSources(box, citations, title) {
    box.textContent = "";
    if (!citations || !citations.length) { box.hidden = true; return; }
    box.hidden = false;
    box.appendChild(el("h3", null, title));
    var list = el("ol");
    citations.forEach(function (c) {
      var li = el("li");
      var det = el("details", "source");
      det.setAttribute("data-n", String(c.n));
      var sum = el("summary");
      sum.appendChild(el("span", "num", "[" + c.n + "]"));
      sum.appendChild(el("span", "title", c.doc_title));
      sum.appendChild(el("span", "path", c.section_path));
      det.appendChild(sum);
      det.appendChild(el("blockquote", "quote", c.quote));
      if (c.section_id) {
        var more = el("div", "more");
        var btn = el("button", null, "Xem toàn văn mục");
        btn.type = "button";
        btn.addEventListener("click", function () { loadSection(det, c, btn); });
        more.appendChild(btn);
        det.appendChild(more);
      }
      li.appendChild(det);
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  async function loadSection(det, c, btn) {
    btn.disabled = true;
    var url = "v1/documents/" + encodeURIComponent(c.doc_id) + "/sections/" + encodeURIComponent(c.section_id);
    var box = det.querySelector(".fulltext") || el("div", "fulltext");
    try {
      var resp = await fetch(url, { headers: headers() });
      box.textContent = resp.ok ? (await resp.json()).text : await errorMessage(resp);
    } catch (e) {
      box.textContent = "Không tải được nội dung mục.";
    }
    det.appendChild(box);
    btn.hidden = true;
  }

  function openCitation(msgNode, n) {
    var det = msgNode.querySelector('details.source[data-n="' + n + '"]');
    if (!det) { return; }
    det.open = true;
    det.classList.add("flash");
    det.scrollIntoView({ block: "nearest", behavior: "smooth" });
    setTimeout(function () { det.classList.remove("flash"); }, 1200);
  }

  function renderDirectivesInline(box, directives) {
    if (!directives || !directives.length) { return; }
    var wrap = el("div", "directives");
    wrap.appendChild(el("strong", null, "Văn bản chỉ đạo được nhắc tới: "));
    wrap.appendChild(document.createTextNode(directives.map(function (d) {
      return d.doc_type + " " + d.number + (d.date ? " (" + d.date + ")" : "");
    }).join("; ")));
    box.appendChild(wrap);
  }

  // the remainder of a long answer ("Xem thêm"), with the same citation buttons as the answer
  function renderMore(ui, more, onCite) {
    if (!more) { return; }
    var det = el("details", "answer-more");
    det.appendChild(el("summary", null, "Xem thêm"));
    var body = el("div", "answer-more-text");
    renderAnswerText(body, more, onCite);
    det.appendChild(body);
    ui.node.insertBefore(det, ui.sources);
  }

  function newBotMessage() {
    var node = el("div", "msg bot pending");
    var status = el("div", "status", "Đang tìm trong các kế hoạch…");
    var answer = el("div", "answer");
    var sources = el("div", "sources");
    sources.hidden = true;
    node.appendChild(status);
    node.appendChild(answer);
    node.appendChild(sources);
    $("messages").appendChild(node);
    return { node: node, status: status, answer: answer, sources: sources, text: "" };
  }

  function finish(ui, answer) {
    ui.node.classList.remove("pending");
    ui.status.remove();
    var onCite = function (ev) { openCitation(ui.node, ev.currentTarget.getAttribute("data-n")); };
    if (answer.refused) {
      ui.answer.className = "answer notfound";
      ui.answer.textContent = answer.answer || "Không tìm thấy thông tin này trong các kế hoạch đã nạp.";
      renderSources(ui.sources, answer.related, "Có thể liên quan");
    } else {
      renderAnswerText(ui.answer, answer.answer, onCite);
      renderMore(ui, answer.more, onCite);
      renderSources(ui.sources, answer.citations, "Nguồn");
    }
    renderDirectivesInline(ui.node, answer.directives);
    if (answer.answer_id) { renderFeedback(ui.node, answer.answer_id); }
    history.push({ role: "assistant", content: answer.answer });
    scrollDown();
  }

  // --- feedback: 👍/👎 under every answer, then an optional comment ------------------------------------
  async function sendFeedback(answerId, rating, comment) {
    var body = { answer_id: answerId, rating: rating,
                 channel: document.body.classList.contains("embed") ? "widget" : "web" };
    if (comment) { body.comment = comment; }
    var resp = await fetch("v1/feedback", {
      method: "POST",
      headers: headers({ "Content-Type": "application/json" }),
      body: JSON.stringify(body),
    });
    if (!resp.ok) { throw new Error(await errorMessage(resp)); }
    return resp.json();
  }

  function renderFeedback(msgNode, answerId) {
    var box = el("div", "feedback");
    var label = el("span", "feedback-label", "Câu trả lời có hữu ích không?");
    var up = el("button", "vote up", "👍 Hữu ích");
    var down = el("button", "vote down", "👎 Chưa đúng");
    up.type = down.type = "button";
    up.title = "Hữu ích";
    down.title = "Chưa đúng / chưa đủ";
    up.setAttribute("aria-label", "Hữu ích");
    down.setAttribute("aria-label", "Chưa đúng hoặc chưa đủ");
    var status = el("span", "feedback-status");
    var form = el("form", "feedback-comment");
    form.hidden = true;
    var input = el("textarea");
    input.rows = 2;
    input.maxLength = 2000;
    input.placeholder = "Góp ý thêm (không bắt buộc): câu trả lời đúng là gì, thiếu ý nào…";
    var submit = el("button", "secondary", "Gửi góp ý");
    submit.type = "submit";
    form.appendChild(input);
    form.appendChild(submit);
    var rating = null;

    async function vote(which) {
      rating = which;
      up.classList.toggle("chosen", which === "up");
      down.classList.toggle("chosen", which === "down");
      try {
        await sendFeedback(answerId, which);
        status.textContent = "Cảm ơn bạn đã đánh giá.";
        form.hidden = false;
        if (which === "down") { input.focus(); }
      } catch (e) {
        status.textContent = e.message || "Không gửi được đánh giá.";
      }
    }
    up.addEventListener("click", function () { vote("up"); });
    down.addEventListener("click", function () { vote("down"); });
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var text = input.value.trim();
      if (!text || !rating) { return; }
      submit.disabled = true;
      try {
        await sendFeedback(answerId, rating, text);
        form.hidden = true;
        status.textContent = "Đã nhận góp ý. Cảm ơn bạn!";
      } catch (e) {
        status.textContent = e.message || "Không gửi được góp ý.";
      } finally {
        submit.disabled = false;
      }
    });
    box.appendChild(label);
    box.appendChild(up);
    box.appendChild(down);
    box.appendChild(status);
    box.appendChild(form);
    msgNode.appendChild(box);
  }

  function fail(ui, message) {
    ui.node.classList.remove("pending");
    ui.status.remove();
    ui.answer.className = "answer error";
    ui.answer.textContent = message;
  }

  // --- SSE over fetch (POST with a body, so no EventSource) -----------------------------------------
  function parseFrame(frame) {
    var event = "message", data = [];
    frame.split("\n").forEach(function (line) {
      if (!line || line.charAt(0) === ":") { return; }
      var i = line.indexOf(":");
      var field = i < 0 ? line : line.slice(0, i);
      var value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
      if (field === "event") { event = value; } else if (field === "data") { data.push(value); }
    });
    if (!data.length) { return null; }
    return { event: event, data: JSON.parse(data.join("\n")) };
  }

  async function ask(question) {
    var ui = newBotMessage();
    var userTurns = history.slice(-MAX_HISTORY);
    history.push({ role: "user", content: question });
    setBusy(true);
    controller = new AbortController();
    var done = false;
    try {
      var resp = await fetch("v1/ask", {
        method: "POST",
        headers: headers({ "Content-Type": "application/json", "Accept": "text/event-stream" }),
        body: JSON.stringify({ question: question, history: userTurns, stream: true }),
        signal: controller.signal,
      });
      if (!resp.ok) { history.pop(); fail(ui, await errorMessage(resp)); return; }
      var reader = resp.body.getReader();
      var decoder = new TextDecoder("utf-8");
      var buf = "";
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) { break; }
        buf += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
        var idx;
        while ((idx = buf.indexOf("\n\n")) >= 0) {
          var frame = parseFrame(buf.slice(0, idx));
          buf = buf.slice(idx + 2);
          if (!frame) { continue; }
          if (frame.event === "sources") {
            ui.status.textContent = "Đang soạn câu trả lời…";
            renderSources(ui.sources, frame.data.sources, "Nguồn");
          } else if (frame.event === "token") {
            ui.status.textContent = "";
            ui.text += frame.data.text;
            ui.answer.textContent = ui.text;
            scrollDown();
          } else if (frame.event === "done") {
            done = true;
            finish(ui, frame.data);
          } else if (frame.event === "error") {
            done = true;
            fail(ui, (frame.data.error && frame.data.error.message) || "Đã có lỗi xảy ra.");
          }
        }
      }
      if (!done) { fail(ui, "Kết nối bị ngắt trước khi có câu trả lời đầy đủ."); }
    } catch (e) {
      if (e && e.name === "AbortError") {
        fail(ui, ui.text ? ui.text + "\n(đã dừng)" : "Đã dừng.");
      } else {
        fail(ui, "Không kết nối được máy chủ.");
      }
    } finally {
      controller = null;
      setBusy(false);
    }
  }

  function setBusy(busy) {
    $("ask-button").disabled = busy;
    $("stop-button").hidden = !busy;
  }

  function submitQuestion() {
    var box = $("question");
    var q = box.value.trim();
    if (!q || controller) { return; }
    var welcome = document.querySelector(".welcome");
    if (welcome) { welcome.remove(); }
    $("messages").appendChild(el("div", "msg user", q));
    box.value = "";
    scrollDown();
    ask(q);
  }

  // --- directive lookup ----------------------------------------------------------------------------
  async function lookupDirective(q) {
    var out = $("directive-results");
    out.textContent = "";
    out.appendChild(el("div", "status", "Đang tra cứu…"));
    try {
      var resp = await fetch("v1/directives?q=" + encodeURIComponent(q), { headers: headers() });
      out.textContent = "";
      if (!resp.ok) { out.appendChild(el("div", "error", await errorMessage(resp))); return; }
      var body = await resp.json();
      if (!body.directives.length) {
        out.appendChild(el("div", "notfound",
          "Không tìm thấy văn bản nào khớp với “" + q + "” trong các kế hoạch đã nạp."));
        return;
      }
      body.directives.forEach(function (d) {
        var card = el("article", "directive");
        card.appendChild(el("h3", null, d.doc_type + " số " + d.number));
        var meta = [d.date ? "ngày " + d.date : "", d.issuer || "", d.term || ""].filter(Boolean).join(" · ");
        if (meta) { card.appendChild(el("p", "meta", meta)); }
        if (d.subject) { card.appendChild(el("p", null, d.subject)); }
        card.appendChild(el("p", "meta", "Được nhắc trong " + d.mentions.length + " đoạn:"));
        var ul = el("ul");
        d.mentions.forEach(function (m) {
          var li = el("li", null, m.sentence);
          li.appendChild(el("span", "where", m.doc_title + " — " + m.section_path));
          ul.appendChild(li);
        });
        card.appendChild(ul);
        out.appendChild(card);
      });
    } catch (e) {
      out.textContent = "";
      out.appendChild(el("div", "error", "Không kết nối được máy chủ."));
    }
  }

  function selectTab(which) {
    var chat = which === "chat";
    $("tab-chat").setAttribute("aria-selected", String(chat));
    $("tab-directive").setAttribute("aria-selected", String(!chat));
    $("panel-chat").hidden = !chat;
    $("panel-directive").hidden = chat;
    (chat ? $("question") : $("directive-q")).focus();
  }

  function init() {
    readKeyFromHash();
    if (/[?&]embed=1/.test(location.search)) { document.body.classList.add("embed"); }
    $("ask-form").addEventListener("submit", function (ev) { ev.preventDefault(); submitQuestion(); });
    $("question").addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) { ev.preventDefault(); submitQuestion(); }
    });
    $("stop-button").addEventListener("click", function () { if (controller) { controller.abort(); } });
    $("new-button").addEventListener("click", function () {
      history = [];
      $("messages").textContent = "";
    });
    Array.prototype.forEach.call(document.querySelectorAll(".sample"), function (b) {
      b.addEventListener("click", function () { $("question").value = b.textContent; submitQuestion(); });
    });
    $("directive-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = $("directive-q").value.trim();
      if (q) { lookupDirective(q); }
    });
    $("tab-chat").addEventListener("click", function () { selectTab("chat"); });
    $("tab-directive").addEventListener("click", function () { selectTab("directive"); });
    $("key-form").addEventListener("submit", function (ev) {
      ev.preventDefault();
      try { sessionStorage.setItem(KEY_STORE, $("key-input").value.trim()); } catch (e) { /* storage off */ }
      $("key-box").hidden = true;
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
