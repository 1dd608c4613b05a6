// The Chinese file control (media/widgets/file_pick.html): say which file was chosen, in words.
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.classList || !input.classList.contains("file-pick-input")) return;
  var shown = document.getElementById(input.id + "-chosen");
  if (!shown) return;
  var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
  shown.textContent = names.length ? "已选：" + names.join("、") : shown.dataset.none;
  shown.classList.toggle("chosen", names.length > 0);
});
