// In the transcript editor: the words selected in one sentence (or the whole sentences
// from the first to the last one touched) become a story snippet. Only saved text can
// be quoted, so unsaved changes are refused by the server in words.
const script = document.getElementById("snippet-tool-script");
const said = document.getElementById("snippet-said");
let last = null;

document.getElementById("te-segments").addEventListener("focusin", (event) => {
  if (event.target.tagName === "TEXTAREA") last = event.target;
});

document.getElementById("snippet-make").addEventListener("click", async () => {
  const row = last?.closest("li[data-start]");
  if (!row) {
    said.textContent = "请先点进一句话，选中要摘的文字。";
    return;
  }
  const quote = last.value.slice(last.selectionStart, last.selectionEnd).trim();
  const response = await fetch(script.dataset.endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": script.dataset.csrf },
    body: JSON.stringify({ source: "recording", recording: Number(script.dataset.recording), start: Number(row.dataset.start), end: Number(row.dataset.end), quote }),
  });
  const data = await response.json().catch(() => ({}));
  said.textContent = response.ok ? `已摘为片段：“${data.snippet.text.slice(0, 20)}”` : data.zh || "没能摘下这段。";
});
