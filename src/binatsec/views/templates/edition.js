/* binatsec's HTML edition: the language switch, id links that land in the language shown,
   and the search box. Without this script every edition is shown, one after another. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var editions = Array.prototype.slice.call(document.querySelectorAll("article.edition"));
  if (!editions.length) { return; }
  var first = editions[0];
  var current = first.lang;

  function all(selector, scope) {
    return Array.prototype.slice.call((scope || document).querySelectorAll(selector));
  }

  function show(lang) {
    current = lang;
    root.setAttribute("data-current", lang);
    root.lang = lang;
    editions.forEach(function (edition) { edition.hidden = edition.lang !== lang; });
    all("[data-switch]").forEach(function (link) {
      if (link.getAttribute("data-switch") === lang) {
        link.setAttribute("aria-current", "true");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    all("[data-label-" + lang + "]").forEach(function (element) {
      element.setAttribute("aria-label", element.getAttribute("data-label-" + lang));
    });
    var title = document.querySelector("h1 [data-ui='" + lang + "']");
    if (title) { document.title = title.textContent; }
  }

  // An id of the first edition ("stat.x") lands on the same record in the language shown
  // ("es:stat.x"); an id of another edition shows that edition.
  function land() {
    var id;
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (error) { return; }
    if (!id) { return; }
    var element = document.getElementById(id);
    if (!element) { return; }
    var edition = element.closest("article.edition");
    if (edition === first && current !== first.lang) {
      var mine = document.getElementById(current + ":" + id);
      if (mine) { element = mine; edition = mine.closest("article.edition"); }
    }
    if (edition && edition.lang !== current) { show(edition.lang); }
    if (element.hidden || element.closest("[hidden]")) { clear(edition); }
    element.scrollIntoView({ block: "start" });
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var searches = [];

  function clear(edition) {
    searches.forEach(function (search) {
      if (search.edition === edition && search.input.value) {
        search.input.value = "";
        search.run();
      }
    });
  }

  editions.forEach(function (edition) {
    var input = edition.querySelector("input[type='search']");
    var status = edition.querySelector(".status");
    if (!input || !status) { return; }
    var records = all("[data-record]", edition);
    var sections = all("section[data-section]", edition);
    var texts = null;
    function run() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      if (!texts) { texts = records.map(function (record) { return fold(record.textContent); }); }
      var count = 0;
      records.forEach(function (record, index) {
        var hit = words.every(function (word) { return texts[index].indexOf(word) >= 0; });
        record.hidden = !hit;
        if (hit) { count += 1; }
      });
      sections.forEach(function (section) {
        section.hidden = words.length > 0 &&
          !section.querySelector("[data-record]:not([hidden])");
      });
      var form = count === 1 ? status.getAttribute("data-one")
                             : status.getAttribute("data-other");
      status.textContent = words.length
        ? form.replace("{count}", count.toLocaleString(edition.lang)) : "";
    }
    input.addEventListener("input", run);
    searches.push({ edition: edition, input: input, run: run });
    if (input.value) { run(); }  // a value the browser restored
  });

  show(current);
  window.addEventListener("hashchange", land);
  land();
}());
