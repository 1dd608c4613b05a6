// The kit board: one screen a workshop group shares. State comes from the server
// (board-state), every change is local until 保存, and a save names the revision it
// was based on, so two people never silently overwrite each other.
const script = document.getElementById("board-script");
const base = script.dataset.base;
const csrf = document.getElementById("csrf").value;
let state = JSON.parse(document.getElementById("board-state").textContent);
let dirty = false;

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
};

async function post(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(data.zh || `出错了（${response.status}）`), { status: response.status });
  return data;
}

function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}

const byId = () => new Map(state.candidates.map((s) => [s.id, s]));

function snippetItem(snippet, controls) {
  const quote = el("p", { className: "quote" }, `“${snippet.text}”`);
  const meta = el("p", { className: "meta" }, `${snippet.narrators.join("、")} · `, el("a", { href: snippet.url, target: "_blank" }, snippet.where));
  const item = el("li", { className: "snippet" + (snippet.consent_missing ? " no-consent" : "") }, quote, meta);
  if (snippet.consent_missing) item.prepend(el("span", { className: "badge", title: "讲述人没有同意商业使用" }, "⚠ 未获商业使用同意"));
  if (snippet.audio) item.append(el("audio", { controls: true, preload: "none", src: snippet.audio }));
  item.append(el("div", { className: "controls" }, ...controls));
  return item;
}

const button = (label, onClick, title = label) => el("button", { type: "button", className: "small", title, ariaLabel: title, onclick: onClick }, label);

function renderStory() {
  const list = $("story");
  const snippets = byId();
  list.replaceChildren(
    ...state.kit.snippets.map((id, index) => {
      const item = snippetItem(snippets.get(id) || { text: "?", narrators: [], where: "", url: "#" }, [
        button("↑", () => move(index, -1), "上移"),
        button("↓", () => move(index, 1), "下移"),
        button("✕", () => change(() => state.kit.snippets.splice(index, 1)), "移出故事"),
      ]);
      item.draggable = true;
      item.dataset.index = index;
      item.addEventListener("dragstart", (e) => e.dataTransfer.setData("text/plain", String(index)));
      item.addEventListener("dragover", (e) => e.preventDefault());
      item.addEventListener("drop", (e) => {
        e.preventDefault();
        const from = Number(e.dataTransfer.getData("text/plain"));
        change(() => state.kit.snippets.splice(index, 0, ...state.kit.snippets.splice(from, 1)));
      });
      return item;
    }),
  );
  if (!state.kit.snippets.length) list.append(el("li", { className: "hint" }, "还没有片段：从下面的候选里加入。"));
}

function move(index, step) {
  const target = index + step;
  if (target < 0 || target >= state.kit.snippets.length) return;
  change(() => {
    const list = state.kit.snippets;
    [list[index], list[target]] = [list[target], list[index]];
  });
}

function renderCandidates() {
  const chosen = new Set(state.kit.snippets);
  const mine = new Set(state.my_votes);
  $("candidates").replaceChildren(
    ...state.candidates.filter((s) => !s.hidden).map((s) =>
      snippetItem(s, [
        chosen.has(s.id) ? el("span", { className: "hint" }, "已在故事里") : button("加入故事", () => change(() => state.kit.snippets.push(s.id))),
        button(`${mine.has(s.id) ? "★" : "☆"} ${s.votes}`, () => act("vote/", { snippet: s.id }), mine.has(s.id) ? "取消投票" : "投一票"),
        button("评论", () => {
          $("comment-text").dataset.snippet = s.id;
          $("comment-text").placeholder = `评论：“${s.text.slice(0, 12)}…”`;
          $("comment-text").focus();
        }),
      ]),
    ),
  );
}

function renderPhotos() {
  const picked = new Map(state.kit.photos.map((p) => [p.image, p.role]));
  $("photos").replaceChildren(
    ...state.images.map((image) => {
      const role = picked.get(image.id);
      const label = role === "main" ? "主图" : role ? "详情图" : "未选";
      return el(
        "li",
        {},
        el(
          "button",
          { type: "button", className: `photo ${role || ""}`, ariaPressed: String(Boolean(role)), ariaLabel: `${image.title}：${label}`, onclick: () => cyclePhoto(image.id) },
          el("img", { src: image.thumb, alt: "", width: 80, height: 80 }),
          el("span", {}, label),
        ),
      );
    }),
  );
}

function cyclePhoto(id) {
  change(() => {
    const photos = state.kit.photos;
    const at = photos.findIndex((p) => p.image === id);
    if (at < 0) photos.push({ image: id, role: "detail" });
    else if (photos[at].role === "detail") photos[at].role = "main";
    else photos.splice(at, 1);
  });
}

function renderFields() {
  for (const input of document.querySelectorAll("[data-field]")) {
    if (document.activeElement !== input) input.value = state.kit[input.name] || "";
  }
  countShort();
  $("swatches").replaceChildren(
    ...(state.kit.palette || "").split(",").map((c) => c.trim()).filter(Boolean).map((c) => el("span", { className: "swatch", style: `background:${c}` })),
  );
}

function countShort() {
  const n = [...$("f-short_story").value].length;
  $("short-count").textContent = `${n} / 100 字`;
  $("short-count").className = n > 100 ? "count error" : "count";
}

function renderComments() {
  const snippets = byId();
  $("comments").replaceChildren(
    ...state.comments.map((c) => {
      const about = c.snippet && snippets.get(c.snippet) ? `（关于“${snippets.get(c.snippet).text.slice(0, 10)}…”）` : "";
      return el("li", {}, el("b", {}, c.author), `${about}：${c.text}`);
    }),
  );
}

function renderStatus() {
  const k = state.kit;
  let text = k.live ? "已审核发布：卖家可以下载。" : k.approval_requested ? "已请协作者审核。" : "草稿。";
  if (k.withdrawn_reason) text = `已下架：${k.withdrawn_reason}`;
  $("kit-status").textContent = text + (dirty ? " 有未保存的修改。" : "");
}

function render() {
  renderStory();
  renderCandidates();
  renderPhotos();
  renderFields();
  renderComments();
  renderStatus();
}

function change(mutate) {
  mutate();
  dirty = true;
  render();
}

// Votes, comments and approval requests answer with the whole board; unsaved edits to the
// kit itself stay as they are (and keep the revision they were based on).
async function act(path, body) {
  try {
    const fresh = (await post(base + path, body)).state;
    state = { ...fresh, kit: dirty ? { ...state.kit, approval_requested: fresh.kit.approval_requested } : fresh.kit };
    render();
  } catch (error) {
    say(error.message, true);
  }
}

async function save() {
  const payload = { revision: state.kit.revision, snippets: state.kit.snippets, photos: state.kit.photos };
  for (const input of document.querySelectorAll("[data-field]")) payload[input.name] = input.value;
  say("正在保存……");
  try {
    state = (await post(base + "save/", payload)).state;
    dirty = false;
    render();
    say("已保存。");
  } catch (error) {
    say(error.message, true);
  }
}

document.querySelectorAll("[data-field]").forEach((input) =>
  input.addEventListener("input", () => {
    state.kit[input.name] = input.value;
    dirty = true;
    if (input.name === "short_story") countShort();
    renderStatus();
  }),
);
$("save").addEventListener("click", save);
$("submit").addEventListener("click", async () => {
  if (dirty) await save();
  if (!dirty) act("submit/", {});
});
$("extract").addEventListener("click", async () => {
  try {
    const { palette } = await post(base + "palette/", { images: state.kit.photos.map((p) => p.image) });
    change(() => (state.kit.palette = palette.join(", ")));
  } catch (error) {
    say(error.message, true);
  }
});
$("comment-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $("comment-text");
  const snippet = input.dataset.snippet ? Number(input.dataset.snippet) : null;
  act("comment/", { text: input.value, snippet }).then(() => {
    input.value = "";
    delete input.dataset.snippet;
    input.placeholder = "说点什么……";
  });
});
$("search").addEventListener("submit", async (event) => {
  event.preventDefault();
  const q = $("search-q").value.trim();
  if (!q) return;
  const response = await fetch(`${script.dataset.search}?q=${encodeURIComponent(q)}&kind=segment`);
  const data = await response.json();
  if (!response.ok) return say(data.zh || "检索暂时不能用。", true);
  $("results").replaceChildren(
    ...data.results.map((hit) => {
      const excerpt = el("p", { className: "quote" });
      excerpt.innerHTML = hit.excerpt; // the search service escapes the text and adds only <mark>
      return el("li", { className: "snippet" }, excerpt, el("p", { className: "meta" }, hit.title), el("div", { className: "controls" }, button("加入候选", () => addHit(hit))));
    }),
  );
  if (!data.results.length) $("results").append(el("li", { className: "hint" }, "没有找到。"));
});

async function addHit(hit) {
  try {
    const { snippet } = await post(script.dataset.snippets, { source: "search", key: hit.key });
    state.candidates.push(snippet);
    render();
    say("已加入候选。");
  } catch (error) {
    say(error.message, true);
  }
}

window.addEventListener("beforeunload", (event) => {
  if (dirty) event.preventDefault();
});
render();
