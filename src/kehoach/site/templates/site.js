/* kehoach site: filters and offline search. No outside request; text of the data is only ever set as text. */
(function () {
  "use strict";

  // The key `kehoach tasks --search` matches on: no case, no diacritics, one dash and space style.
  function fold(text) {
    return String(text)
      .normalize("NFD").replace(/\p{M}/gu, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D")
      .toLowerCase()
      .replace(/\s*[-\u2010\u2011\u2012\u2013\u2014\u2015]\s*/g, " - ")
      .replace(/\s*&\s*/g, "&")
      .replace(/\s+([,;:.)])/g, "$1")
      .replace(/\s+/g, " ")
      .replace(/^[ .;]+|[ .;]+$/g, "");
  }

  // The documents' abbreviations spelt out, as `kehoach tasks --search` does: "KKT" finds "khu kinh tế".
  // The table is written at build time from the one the command uses (assets/viet-tat.js).
  var ABBR = window.KEHOACH_ABBR || {};
  var ABBR_RE = Object.keys(ABBR).length ?
    new RegExp("\\b(" + Object.keys(ABBR).sort(function (a, b) { return b.length - a.length; }).join("|") + ")\\b", "g") : null;

  function key(text) {
    var folded = fold(text);
    return ABBR_RE ? folded.replace(ABBR_RE, function (m) { return ABBR[m]; }) : folded;
  }

  function filters() {
    document.querySelectorAll("[data-filter]").forEach(function (box) {
      var bar = box.querySelector(".filter");
      if (!bar) return;
      var text = bar.querySelector(".f-text"), status = bar.querySelector(".f-status"), out = bar.querySelector(".f-count");
      var rows = Array.prototype.slice.call(box.querySelectorAll("tbody > tr[data-key]"));
      bar.hidden = false;
      function apply() {
        var needle = key(text.value), code = status.value, shown = 0;
        rows.forEach(function (row) {
          var ok = (!needle || row.getAttribute("data-key").indexOf(needle) >= 0) &&
                   (!code || row.getAttribute("data-status") === code);
          row.hidden = !ok;
          if (ok) shown += 1;
        });
        out.textContent = "Hiển thị " + shown + "/" + rows.length;
      }
      text.addEventListener("input", apply);
      status.addEventListener("change", apply);
      apply();
    });
  }

  function search() {
    var input = document.getElementById("q");
    if (!input || !window.KEHOACH_INDEX) return;
    var list = document.getElementById("ket-qua"), said = document.getElementById("so-ket-qua");
    var index = window.KEHOACH_INDEX, LIMIT = 200;
    function run() {
      var needle = key(input.value);
      list.textContent = "";
      if (!needle) { said.textContent = "Gõ từ khóa để tìm trong " + index.length + " nhiệm vụ."; return; }
      var found = index.filter(function (e) { return e[3].indexOf(needle) >= 0; });
      said.textContent = found.length + " nhiệm vụ khớp với “" + input.value.trim() + "”" +
        (found.length > LIMIT ? "; hiện " + LIMIT + " nhiệm vụ đầu" : "") + ".";
      found.slice(0, LIMIT).forEach(function (e) {
        var li = document.createElement("li"), a = document.createElement("a"), where = document.createElement("span");
        li.setAttribute("data-task", e[0] + "/" + e[1]);
        a.href = e[4];
        a.textContent = e[2];
        where.className = "where";
        where.textContent = " — " + e[0] + ", nhiệm vụ " + e[1];
        li.appendChild(a);
        li.appendChild(where);
        list.appendChild(li);
      });
    }
    if (input.form) input.form.addEventListener("submit", function (e) { e.preventDefault(); });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) input.value = q;
    input.addEventListener("input", run);
    run();
  }

  // A printed page shows every task's details.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });

  filters();
  search();
})();
