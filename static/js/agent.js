/* Agent panel: notifications by polling, canned responses, bulk selection, 4xx swaps. */
(function () {
  "use strict";

  // Show refused actions (4xx with a message) instead of ignoring them.
  document.body.addEventListener("htmx:beforeSwap", function (e) {
    var status = e.detail.xhr.status;
    if (status >= 400 && status < 500) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  // Priority badges carry their colour in data-color (no style attributes under the CSP).
  htmx.onLoad(function (root) {
    root.querySelectorAll(".priority-badge[data-color]").forEach(function (badge) {
      badge.style.backgroundColor = badge.dataset.color;
    });
  });

  // Sound and desktop notifications.
  var box = document.getElementById("agent-notify");
  if (box) {
    var since = Date.now() / 1000;
    var audio = null;
    var fmt = function (text, count) { return text.replace("%(count)s", count); };
    if (box.dataset.desktop === "1" && "Notification" in window && Notification.permission === "default") {
      document.addEventListener("click", function ask() {
        Notification.requestPermission();
        document.removeEventListener("click", ask);
      });
    }
    var poll = function () {
      fetch(box.dataset.url + "?since=" + since, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) { return; }
          since = data.now;
          var lines = [];
          if (data.new_tickets) { lines.push(fmt(box.dataset.newText, data.new_tickets)); }
          if (data.replies) { lines.push(fmt(box.dataset.replyText, data.replies)); }
          if (!lines.length) { return; }
          if (data.sound) {
            audio = audio || new Audio(box.dataset.sound);
            audio.play().catch(function () {});
          }
          if (data.desktop && "Notification" in window && Notification.permission === "granted") {
            new Notification(box.dataset.title, { body: lines.join("\n") });
          }
          document.body.dispatchEvent(new CustomEvent("helpdesk:activity", { detail: data }));
        })
        .catch(function () {});
    };
    setInterval(poll, 30000);
  }

  // Canned response picker: insert the rendered text at the cursor.
  document.addEventListener("change", function (e) {
    var select = e.target.closest("select[data-canned-url]");
    if (!select || !select.value) { return; }
    fetch(select.dataset.cannedUrl.replace("/0/", "/" + encodeURIComponent(select.value) + "/"), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var body = document.getElementById("id_body");
        var at = body.selectionStart || 0;
        body.value = body.value.slice(0, at) + data.body + "\n" + body.value.slice(at);
        body.focus();
        select.value = "";
      });
  });

  // FAQ in the reply form: insert an article's solution or link at the cursor.
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-faq-insert]");
    var body = document.getElementById("id_body");
    if (!button || !body) { return; }
    var at = body.selectionStart || 0;
    body.value = body.value.slice(0, at) + button.dataset.faqInsert + "\n" + body.value.slice(at);
    body.focus();
    body.selectionStart = body.selectionEnd = at + button.dataset.faqInsert.length + 1;
  });

  // Bulk selection: "select all" and the count on the bar.
  document.addEventListener("change", function (e) {
    if (e.target.id === "select-all") {
      document.querySelectorAll("input[name=tickets]").forEach(function (box) { box.checked = e.target.checked; });
    }
    if (e.target.name === "tickets" || e.target.id === "select-all") {
      var n = document.querySelectorAll("input[name=tickets]:checked").length;
      var count = document.getElementById("bulk-count");
      if (count) { count.textContent = n; }
    }
  });

  // Customer lookup on the new-ticket form: pick a result, or take the customer just created.
  var chooseCustomer = function (id, label) {
    document.getElementById("id_customer").value = id;
    document.getElementById("customer-search").value = label;
    document.getElementById("customer-results").innerHTML = "";
  };
  document.addEventListener("click", function (e) {
    var item = e.target.closest("[data-customer-id]");
    if (item) { chooseCustomer(item.dataset.customerId, item.dataset.label); }
  });
  document.body.addEventListener("htmx:afterSwap", function (e) {
    var chosen = e.detail.target.querySelector && e.detail.target.querySelector("[data-chosen-customer]");
    if (chosen) { chooseCustomer(chosen.dataset.chosenCustomer, chosen.dataset.label); }
  });

  // Keyboard: j/k move through ticket rows, Enter opens.
  document.addEventListener("keydown", function (e) {
    if (e.target.closest("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) { return; }
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
    if (!rows.length) { return; }
    var current = rows.findIndex(function (r) { return r.classList.contains("table-active"); });
    if (e.key === "j" || e.key === "k") {
      var next = Math.min(rows.length - 1, Math.max(0, current + (e.key === "j" ? 1 : -1)));
      rows.forEach(function (r) { r.classList.remove("table-active"); });
      rows[next].classList.add("table-active");
      rows[next].scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter" && current >= 0) {
      window.location = rows[current].dataset.href;
    }
  });
})();
