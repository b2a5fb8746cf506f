// redflags reviewer UI: keyboard shortcuts and the image reveal.  Loaded as a file (CSP: no
// inline script).  Every action here is also a plain link or form that works without it.
"use strict";
(function () {
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" ||
                  el.isContentEditable);
  }
  var help = null;
  function toggleHelp(show) {
    if (!help) return;
    var open = show === undefined ? help.hidden : show;
    help.hidden = !open;
    if (open) help.querySelector("button").focus();
  }

  // -- queue: j/k select, Enter/o open ------------------------------------------------------
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("tr[data-href]")); }
  function select(i) {
    var list = rows();
    if (!list.length) return;
    i = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (r, k) {
      r.classList.toggle("selected", k === i);
    });
    list[i].focus();
    list[i].scrollIntoView({ block: "nearest" });
  }
  function selected() { return rows().findIndex(function (r) { return r.classList.contains("selected"); }); }
  function openSelected() {
    var i = selected(), list = rows();
    if (i < 0) return;
    var form = list[i].querySelector("form.open");
    if (form) form.requestSubmit(); else window.location.href = list[i].getAttribute("data-href");
  }

  // -- ad page: 1/2/3 verdicts, e escalate ---------------------------------------------------
  function verdict(value) {
    var form = document.querySelector("form.decide");
    if (!form) return;
    var note = form.querySelector("textarea");
    var button = form.querySelector('button[value="' + value + '"]');
    if (!button) return;
    if (value === "escalate" && note && !note.value.trim()) {
      note.focus();
      note.setAttribute("aria-invalid", "true");
      var msg = document.getElementById("note-help");
      if (msg) msg.classList.add("error");
      return;
    }
    form.requestSubmit(button);
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (ev.key === "Escape" && help && !help.hidden) { toggleHelp(false); ev.preventDefault(); return; }
    var el = document.activeElement;
    if (typing(el)) {
      // keys are text while typing; Esc leaves the field so shortcuts work again
      if (ev.key === "Escape") { el.blur(); ev.preventDefault(); }
      return;
    }
    if (ev.key === "?") { toggleHelp(); ev.preventDefault(); return; }
    if (help && !help.hidden) return;
    var onQueue = rows().length > 0;
    switch (ev.key) {
      case "j": if (onQueue) { select(selected() + 1); ev.preventDefault(); } break;
      case "k": if (onQueue) { select(Math.max(0, selected() - 1)); ev.preventDefault(); } break;
      case "o": if (onQueue) { openSelected(); ev.preventDefault(); } break;
      case "Enter":
        if (onQueue && el && el.matches && el.matches("tr[data-href]")) { openSelected(); ev.preventDefault(); }
        break;
      case "1": verdict("confirmed-risk"); break;
      case "2": verdict("not-risk"); break;
      case "3": case "e": verdict("escalate"); ev.preventDefault(); break;
    }
  });

  // -- images: reveal one at a time ----------------------------------------------------------
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var reveal = t.closest("button.reveal");
    if (reveal) {
      var img = document.getElementById(reveal.getAttribute("aria-controls"));
      if (!img) return;
      var show = img.classList.contains("shielded");
      // one at a time: hide every other image first
      document.querySelectorAll("button.reveal").forEach(function (b) {
        var other = document.getElementById(b.getAttribute("aria-controls"));
        if (other && other !== img) { other.classList.add("shielded"); b.setAttribute("aria-pressed", "false"); b.textContent = "Reveal image"; }
      });
      img.classList.toggle("shielded", !show);
      reveal.setAttribute("aria-pressed", show ? "true" : "false");
      reveal.textContent = show ? "Blur image" : "Reveal image";
      return;
    }
    if (t.closest("button.close-help")) { toggleHelp(false); return; }
    var row = t.closest("tr[data-href]");
    if (row && !t.closest("a, button, form")) {
      select(rows().indexOf(row));
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    help = document.getElementById("help");
    if (rows().length) {
      var list = rows();
      list.forEach(function (r) { r.setAttribute("tabindex", "-1"); });
      list[0].setAttribute("tabindex", "0");
      list[0].classList.add("selected");
    }
    var js = document.querySelectorAll(".js-only");
    js.forEach(function (el) { el.hidden = false; });
  });
})();
