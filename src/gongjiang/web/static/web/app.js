/* Gongjiang — small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";

  // A resident ID (15 or 18 characters) or another long ID-like number typed into a GET search box.
  var ID_LIKE = /^\s*\d{6}[\dXx*]{9,12}\s*$/;

  function onReady(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  onReady(function () {
    // <select data-autosubmit> submits its form on change (language switch, page size).
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target && target.matches && target.matches("select[data-autosubmit]") && target.form) {
        if (target.form.requestSubmit) { target.form.requestSubmit(); } else { target.form.submit(); }
      }
    });

    // ID numbers must never travel in a URL. If one is typed into a GET search form that has a
    // POST look-up form next to it ([data-id-lookup="#form-id"]), send it through that instead.
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!form || !form.matches || !form.matches("form[data-id-lookup]")) { return; }
      var box = form.querySelector("input[name=q]");
      if (!box || !ID_LIKE.test(box.value)) { return; }
      var lookup = document.querySelector(form.getAttribute("data-id-lookup"));
      if (!lookup) { return; }
      event.preventDefault();
      event.stopImmediatePropagation();
      var target = lookup.querySelector("input[name=id_number]");
      target.value = box.value.trim();
      box.value = "";
      if (lookup.requestSubmit) { lookup.requestSubmit(); } else { lookup.submit(); }
    }, true);

    // htmx sends the same form on "change" and "keyup" triggers; keep ID numbers out of those too.
    document.body.addEventListener("htmx:configRequest", function (event) {
      var params = event.detail.parameters;
      var verb = (event.detail.verb || "get").toLowerCase();
      if (verb !== "get" || !params) { return; }
      var q = params.get ? params.get("q") : params.q;
      if (q && ID_LIKE.test(q)) { event.preventDefault(); }
    });
  });
})();
