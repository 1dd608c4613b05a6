// On archive pages, for workshop participants and facilitators: turn selected transcript
// sentences, a recipe step or a memory paragraph into a story snippet. The server checks
// that the words really are in the source and that this person may see it.
const script = document.getElementById("snippet-maker-script");
const article = document.querySelector("article[data-page-id]");
const panel = document.getElementById("snippet-maker");
const said = document.getElementById("snippet-said");
const makeButton = document.getElementById("snippet-make");
let pending = null;

async function make(body) {
  const response = await fetch(script.dataset.endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": document.getElementById("snippet-csrf").value },
    body: JSON.stringify({ page: Number(article.dataset.pageId), ...body }),
  });
  const data = await response.json().catch(() => ({}));
  panel.hidden = false;
  if (response.ok) {
    said.replaceChildren(`已摘为片段：“${data.snippet.text.slice(0, 20)}”。`, Object.assign(document.createElement("a"), { href: script.dataset.kits, textContent: "去品牌共创使用" }));
  } else {
    said.textContent = data.zh || "没能摘下这段。";
  }
}

const sentenceOf = (node) => (node && (node.nodeType === 1 ? node : node.parentElement))?.closest("#transcript li");

function onSelection() {
  const selection = document.getSelection();
  const first = sentenceOf(selection.anchorNode);
  const last = sentenceOf(selection.focusNode);
  if (!first || !last || selection.isCollapsed) return;
  const text = selection.toString().trim();
  // A selection inside one sentence is quoted as selected; across sentences, whole sentences are kept.
  const quote = first === last ? text : "";
  pending = { source: "segments", first: Number(first.dataset.id), last: Number(last.dataset.id), quote };
  const items = [...document.querySelectorAll("#transcript li")];
  const count = Math.abs(items.indexOf(last) - items.indexOf(first)) + 1;
  makeButton.textContent = `摘为故事片段（${count} 句）`;
  said.textContent = "";
  panel.hidden = false;
}

if (article && document.getElementById("transcript")) {
  document.addEventListener("selectionchange", () => setTimeout(onSelection, 0));
  makeButton.addEventListener("click", () => pending && make(pending));
} else if (article) {
  makeButton.hidden = true;
}

function addButtons(selector, source) {
  document.querySelectorAll(selector).forEach((element, index) => {
    const button = Object.assign(document.createElement("button"), { type: "button", className: "snip", textContent: "摘为片段" });
    button.addEventListener("click", () => make({ source, position: index + 1 }));
    element.append(button);
  });
}
if (article?.classList.contains("recipe")) addButtons(".steps > li", "recipe_step");
if (article?.classList.contains("memory")) addButtons(".body p", "memory_paragraph");
