// Search the report's clauses, rules and scenarios, offline: the index is a script beside this one.
(function () {
  var input = document.getElementById("search");
  var list = document.getElementById("results");
  var root = document.body.getAttribute("data-root") || "";
  var index = window.GONGKAI_INDEX || [];
  function show(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.innerHTML = "";
    if (!terms.length) { list.hidden = true; return; }
    var found = index.filter(function (e) {
      var text = (e.t + " " + e.s).toLowerCase();
      return terms.every(function (t) { return text.indexOf(t) >= 0; });
    }).slice(0, 50);
    found.forEach(function (e) {
      var li = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind"; kind.textContent = e.k;
      var a = document.createElement("a");
      a.href = root + e.u; a.textContent = e.t;
      var snippet = document.createElement("span");
      snippet.className = "snippet"; snippet.textContent = e.s;
      li.appendChild(kind); li.appendChild(a); li.appendChild(snippet);
      list.appendChild(li);
    });
    if (!found.length) { var none = document.createElement("li"); none.textContent = "没有找到"; list.appendChild(none); }
    list.hidden = false;
  }
  input.addEventListener("input", function () { show(input.value); });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { list.hidden = true; } });
})();
