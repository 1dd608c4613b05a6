// Copy buttons on the sellers' shelf: each copies one field's text exactly as the zip's file holds it.
// navigator.clipboard needs a secure context (https or localhost); elsewhere a selected
// textarea and execCommand("copy") still work in the browsers sellers use.
(function () {
  "use strict";
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.top = "-1000px";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy failed"));
  }
  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }
  function announce(message) {
    var status = document.getElementById("copy-status");
    if (status) { status.textContent = message; }
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.dataset.copy);
    if (!source) { return; }
    var label = button.textContent;
    copy(source.textContent).then(function () {
      button.textContent = "已复制";
      announce("已复制到剪贴板");
    }, function () {
      button.textContent = "请长按文字复制";
      announce("无法自动复制，请长按文字选择后复制");
    }).then(function () {
      setTimeout(function () { button.textContent = label; }, 2000);
    });
  });
})();
