// Suggestions as you type: titles the visitor may see, from /search/suggest/.
(function () {
  "use strict";
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list) return;
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var value = input.value.trim();
    if (!value) { list.innerHTML = ""; return; }
    timer = setTimeout(function () {
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(value))
        .then(function (response) { return response.json(); })
        .then(function (body) {
          list.innerHTML = "";
          body.suggestions.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.title;
            list.appendChild(option);
          });
        });
    }, 150);
  });
})();
