// kaoping — the app's only script (loaded with `defer`, after htmx).
// The CSP forbids inline scripts and eval, so all behaviour lives here.
(function () {
  "use strict";

  if (window.htmx) {
    htmx.config.includeIndicatorStyles = false; // app.css has them
    htmx.config.allowEval = false;
    htmx.config.allowScriptTags = false;
  }

  // The navigation is collapsed on phones; on wider screens show it open.
  var nav = document.querySelector("details.navtoggle");
  if (nav && window.matchMedia && window.matchMedia("(min-width: 900px)").matches) {
    nav.open = true;
  }

  // Language switch: submit on change; its button stays for no-JS use.
  document.addEventListener("change", function (e) {
    var select = e.target;
    if (select.matches && select.matches("form.lang-switch select") && select.form) {
      if (select.form.requestSubmit) select.form.requestSubmit();
      else select.form.submit();
    }
  });

  // [data-confirm] on a form or on its submit button: ask before submitting.
  document.addEventListener(
    "submit",
    function (e) {
      var form = e.target;
      var button = e.submitter;
      var el =
        button && button.hasAttribute("data-confirm") ? button
        : form.hasAttribute("data-confirm") ? form
        : null;
      if (el && !window.confirm(el.getAttribute("data-confirm"))) {
        e.preventDefault();
        e.stopImmediatePropagation();
      }
    },
    true
  );

  // [data-autofocus]: focus the first one on the page.
  function autofocus() {
    var el = document.querySelector("[data-autofocus]");
    if (el) el.focus();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", autofocus);
  else autofocus();

  // [data-print]: print the page (QR sheets).
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-print]");
    if (b) window.print();
  });

  // Report editor: a contenteditable area over the HTML textarea (which
  // stays the form field; the server sanitizes whatever arrives).
  function editor(src) {
    var labels = (src.getAttribute("data-labels") || "B|H|•|1.").split("|");
    var wrap = document.createElement("div");
    wrap.className = "editor";
    var bar = document.createElement("div");
    bar.className = "editor-bar";
    var area = document.createElement("div");
    area.className = "editor-area report-body";
    area.contentEditable = "true";
    area.setAttribute("role", "textbox");
    area.setAttribute("aria-multiline", "true");
    area.setAttribute("aria-label", src.labels && src.labels[0] ? src.labels[0].textContent : "");
    area.innerHTML = src.value;
    [["bold", null], ["formatBlock", "h3"], ["insertUnorderedList", null], ["insertOrderedList", null]].forEach(
      function (cmd, i) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "btn btn-small";
        b.textContent = labels[i] || cmd[0];
        b.addEventListener("click", function () {
          area.focus();
          document.execCommand(cmd[0], false, cmd[1]);
        });
        bar.appendChild(b);
      }
    );
    wrap.appendChild(bar);
    wrap.appendChild(area);
    src.parentNode.insertBefore(wrap, src);
    src.hidden = true;
    var sync = function () { src.value = area.innerHTML; };
    area.addEventListener("input", sync);
    src.form.addEventListener("submit", sync);
  }

  // Reading page: highlight noted passages, offer "highlight & note" for a
  // selection, and report visible reading time every 15 seconds.
  function markQuotes(root, quotes) {
    quotes.forEach(function (q) {
      if (!q) return;
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      var node;
      while ((node = walker.nextNode())) {
        var i = node.nodeValue.indexOf(q);
        if (i >= 0) {
          var r = document.createRange();
          r.setStart(node, i);
          r.setEnd(node, i + q.length);
          var m = document.createElement("mark");
          r.surroundContents(m);
          return;
        }
      }
    });
  }

  function reading(body) {
    var quotes = Array.prototype.map.call(document.querySelectorAll(".note-quote[data-quote]"), function (b) {
      return b.getAttribute("data-quote");
    });
    markQuotes(body, quotes);
    var btn = document.getElementById("highlight-btn");
    var quote = document.getElementById("note-quote");
    var note = document.getElementById("note-body");
    if (btn && quote) {
      document.addEventListener("selectionchange", function () {
        var sel = window.getSelection();
        var text = sel && !sel.isCollapsed ? sel.toString().trim() : "";
        btn.hidden = !(text && body.contains(sel.anchorNode));
      });
      btn.addEventListener("click", function () {
        var sel = window.getSelection();
        quote.value = sel ? sel.toString().trim().slice(0, 1000) : "";
        btn.hidden = true;
        document.getElementById("note-form").scrollIntoView({ behavior: "smooth" });
        if (note) note.focus();
      });
    }
    var url = body.getAttribute("data-ping");
    var shown = 0;
    var last = Date.now();
    function flush(force) {
      var now = Date.now();
      if (document.visibilityState === "visible") shown += (now - last) / 1000;
      last = now;
      var secs = Math.floor(shown);
      if (secs >= 15 || (force && secs > 0)) {
        shown -= secs;
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          keepalive: true,
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: "seconds=" + Math.min(secs, 30),
        }).catch(function () {});
      }
    }
    setInterval(function () { flush(false); }, 5000);
    document.addEventListener("visibilitychange", function () { flush(true); });
    window.addEventListener("pagehide", function () { flush(true); });
  }

  // Charts: [data-chart] holds the data; ECharts draws it.
  function chart(el) {
    if (!window.echarts) return;
    var d = JSON.parse(el.getAttribute("data-chart"));
    var kind = el.getAttribute("data-chart-kind");
    var unit = kind === "score" || kind === "count" ? "" : "%";
    var c = echarts.init(el, null, { renderer: "svg" });
    c.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + unit; } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 36, containLabel: true },
      // Many or long labels: slanted and cut short (the tooltip has them whole).
      xAxis: { type: "category", data: d.categories, axisLabel: { interval: 0, rotate: d.categories.length > 5 ? 35 : 0, width: 96, overflow: "truncate" } },
      yAxis: { type: "value", max: kind === "count" ? null : 100, minInterval: 1, axisLabel: { formatter: "{value}" + unit } },
      color: ["#2f6fb0", "#2e8b57"],
      series: d.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, label: { show: d.categories.length <= 12, position: "top", formatter: "{c}" + unit } };
      }),
    });
    window.addEventListener("resize", function () { c.resize(); });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // The big screen: [data-screen] holds the first state and the SSE address.
  function screen(root) {
    var charts = [];
    function draw(s) {
      document.getElementById("screen-voting").textContent = s.voting_label;
      var p = document.getElementById("screen-presenting");
      p.textContent = "";
      if (s.presenting) {
        p.appendChild(el("div", "screen-label", root.getAttribute("data-l-presenting")));
        p.appendChild(el("div", "screen-name", s.presenting.name));
        p.appendChild(el("div", "muted", s.presenting.post));
      }
      document.getElementById("screen-voted").textContent = s.voted;
      document.getElementById("screen-expected").textContent = s.expected;
      document.getElementById("screen-bar").style.width = (s.expected ? (100 * s.voted / s.expected) : 0) + "%";
      var g = document.getElementById("screen-groups");
      g.textContent = "";
      s.groups.forEach(function (x) { g.appendChild(el("li", null, x.label + " " + x.voted + "/" + x.expected)); });
      var r = document.getElementById("screen-results");
      charts.forEach(function (c) { c.dispose(); });
      charts = [];
      r.textContent = "";
      if (!s.results) {
        if (s.voting !== "closed") r.appendChild(el("p", "muted", root.getAttribute("data-l-hidden")));
        return;
      }
      if (s.partial) r.appendChild(el("p", "screen-partial", root.getAttribute("data-l-partial")));
      var colors = ["#999", "#2e8b57", "#2f6fb0", "#c98a00", "#b03a2e"];
      s.results.forEach(function (cat) {
        r.appendChild(el("h2", null, cat.category));
        var box = el("div", "screen-chart");
        box.style.height = Math.max(160, 34 * cat.rows.length + 40) + "px";
        r.appendChild(box);
        if (!window.echarts) return;
        var rows = cat.rows.slice().reverse();
        var c = echarts.init(box, null, { renderer: "svg" });
        c.setOption({
          animation: false,
          grid: { left: 8, right: 90, top: 8, bottom: 8, containLabel: true },
          xAxis: { type: "value", min: 0, max: 100 },
          yAxis: { type: "category", data: rows.map(function (x) { return x.name; }), axisLabel: { fontSize: 18 } },
          series: [{
            type: "bar",
            data: rows.map(function (x) { return { value: x.score == null ? 0 : Number(x.score), itemStyle: { color: colors[x.grade_index || 0] } }; }),
            label: { show: true, position: "right", fontSize: 18, formatter: function (d) { var x = rows[d.dataIndex]; return (x.score || "") + " " + (x.grade || ""); } },
          }],
        });
        charts.push(c);
      });
    }
    draw(JSON.parse(root.getAttribute("data-state")));
    if (window.EventSource) {
      var es = new EventSource(root.getAttribute("data-screen"));
      es.addEventListener("state", function (e) { draw(JSON.parse(e.data)); });
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  // Evaluators' pages: who is presenting now, kept current over SSE.
  function presenting(banner) {
    if (!window.EventSource) return;
    var es = new EventSource(banner.getAttribute("data-live"));
    es.addEventListener("state", function (e) {
      var s = JSON.parse(e.data) || {};
      var name = banner.querySelector("[data-presenting-name]");
      if (s.presenting) {
        name.textContent = s.presenting.name + (s.presenting.post ? "（" + s.presenting.post + "）" : "");
        banner.hidden = false;
      } else {
        banner.hidden = true;
      }
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-editor]"), editor);
    var body = document.getElementById("report-body");
    if (body && body.hasAttribute("data-ping")) reading(body);
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), chart);
    var sc = document.getElementById("screen");
    if (sc && sc.hasAttribute("data-screen")) screen(sc);
    Array.prototype.forEach.call(document.querySelectorAll("[data-live]"), presenting);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
