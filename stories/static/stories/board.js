// The kit board: one screen a workshop group shares, mostly on phones. State comes from the
// server (board-state, built by stories/board.py), every change is local until 保存, and a
// save names the revision it was based on, so two people never silently overwrite each other.
// Feedback appears next to the control that was tapped, where the finger (and the eye) is.
import { mountClip } from "./clip-player.js";

const script = document.getElementById("board-script");
const base = script.dataset.base;
const csrf = document.getElementById("csrf").value;
let state = JSON.parse(document.getElementById("board-state").textContent);
let dirty = false;
let commentingOn = null; // the snippet whose comment box is open
let askMain = null; // a photo someone wants as the main one while another is main

const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
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

// A short note beside ``control`` (or in the action bar's line); it stays for errors.
function sayAt(control, text, isError = false) {
  if (!control || !control.isConnected || control.closest(".actions")) {
    $("message").textContent = text;
    $("message").className = isError ? "error" : "said";
    if (!isError) setTimeout(() => $("message").textContent === text && ($("message").textContent = ""), 4000);
    return;
  }
  const holder = control.parentElement;
  holder.querySelector(":scope > .said")?.remove();
  const note = el("span", { className: isError ? "said error" : "said", role: "status" }, text);
  control.after(note);
  if (!isError) setTimeout(() => note.remove(), 4000);
}

const snippetsById = () => new Map(state.snippets.map((s) => [s.id, s]));
const storySnippets = () => {
  const byId = snippetsById();
  return state.kit.snippets.map((id) => byId.get(id)).filter(Boolean);
};

const button = (label, onClick, title = label, extra = {}) =>
  el("button", { type: "button", className: "small", title, ariaLabel: title, onclick: onClick, ...extra }, label);

function clip(snippet) {
  const box = el("div", { className: "clip" }, el("audio", { controls: true, preload: "none", src: snippet.audio }));
  box.dataset.start = snippet.start;
  box.dataset.end = snippet.end;
  mountClip(box);
  return box;
}

function commentsAbout(snippet) {
  const mine = state.comments.filter((c) => c.snippet === snippet.id);
  if (!mine.length) return null;
  return el("ul", { className: "comments" }, ...mine.map((c) => el("li", {}, el("b", {}, c.author), `：${c.text}`)));
}

function commentBox(snippet) {
  const input = el("input", { placeholder: `评论“${snippet.text.slice(0, 10)}…”`, ariaLabel: "评论这段", className: "comment-input" });
  const form = el("form", { className: "search-form comment-box" }, input, el("button", { type: "submit" }, "发"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!input.value.trim()) return sayAt(form.lastChild, "先写点什么。", true);
    const sent = await act("comment/", { text: input.value, snippet: snippet.id }, form.lastChild);
    if (sent) {
      commentingOn = null;
      render();
      sayAt(document.querySelector(`[data-snippet="${snippet.id}"] .controls button:last-child`), "已发表评论");
    }
  });
  setTimeout(() => input.focus());
  return form;
}

function snippetItem(snippet, controls) {
  const item = el(
    "li",
    { className: "snippet" + (snippet.consent_missing ? " no-consent" : "") },
    el("p", { className: "quote" }, `“${snippet.text}”`),
    el("p", { className: "meta" }, `${snippet.narrators.join("、")} · `, el("a", { href: snippet.url, target: "_blank" }, snippet.where)),
  );
  item.dataset.snippet = snippet.id;
  if (snippet.consent_missing) item.prepend(el("span", { className: "badge", title: "讲述人没有同意商业使用" }, "⚠ 未获商业使用同意"));
  if (snippet.audio) item.append(clip(snippet));
  item.append(el("div", { className: "controls" }, ...controls));
  item.append(commentsAbout(snippet) || "");
  if (commentingOn === snippet.id) item.append(commentBox(snippet));
  return item;
}

const commentButton = (snippet) =>
  button(commentingOn === snippet.id ? "收起评论" : "评论", () => {
    commentingOn = commentingOn === snippet.id ? null : snippet.id;
    renderStory();
    renderCandidates();
  });

function renderStory() {
  const list = $("story");
  list.replaceChildren(
    ...storySnippets().map((snippet, index) => {
      const item = snippetItem(snippet, [
        button("↑", () => move(index, -1), "上移"),
        button("↓", () => move(index, 1), "下移"),
        button("✕", () => change(() => state.kit.snippets.splice(index, 1)), "移出故事"),
        commentButton(snippet),
      ]);
      item.draggable = true;
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

// Candidates never repeat what the story already quotes (the same words of the same source).
function renderCandidates() {
  const byId = snippetsById();
  const used = new Set(storySnippets().map((s) => s.same));
  const mine = new Set(state.my_votes);
  const shown = state.candidates.map((id) => byId.get(id)).filter((s) => s && !s.hidden && !used.has(s.same));
  $("candidates").replaceChildren(
    ...shown.map((s) =>
      snippetItem(s, [
        button("加入故事", (event) => {
          change(() => state.kit.snippets.push(s.id));
          sayAt($("story").lastElementChild?.querySelector(".controls button") || event.target, "已加入故事（记得保存）");
        }),
        button(`${mine.has(s.id) ? "★" : "☆"} ${s.votes}`, (event) => act("vote/", { snippet: s.id }, event.target), mine.has(s.id) ? "取消投票" : "投一票"),
        commentButton(s),
      ]),
    ),
  );
  if (!shown.length) $("candidates").append(el("li", { className: "hint" }, "没有别的候选：用下面的搜索找口述、菜谱和回忆。"));
}

// Photos: exactly one main photo. A tap on a photo not in the kit adds it (the first one is
// the main photo); a tap on one in the kit opens its choices; making a second one main asks
// which to keep.
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
          { type: "button", className: `photo ${role || ""}`, ariaPressed: String(Boolean(role)), ariaLabel: `${image.title}：${label}`, onclick: (e) => tapPhoto(image, e.currentTarget) },
          el("img", { src: image.thumb, alt: "", width: 80, height: 80 }),
          el("span", {}, label),
        ),
      );
    }),
  );
  renderPhotoAsk();
}

const titleOf = (id) => (state.images.find((i) => i.id === id) || { title: "这张" }).title;

function tapPhoto(image, control) {
  const photos = state.kit.photos;
  const at = photos.findIndex((p) => p.image === image.id);
  if (at < 0) {
    const role = photos.some((p) => p.role === "main") ? "detail" : "main";
    change(() => photos.push({ image: image.id, role }));
    sayAt(photoButton(image.id), role === "main" ? "已选为主图" : "已选为详情图");
    return;
  }
  askMain = { image: image.id, menu: true };
  renderPhotoAsk(control);
}

const photoButton = (id) => [...$("photos").querySelectorAll("button")][state.images.findIndex((i) => i.id === id)];

function renderPhotoAsk() {
  const box = $("photo-ask");
  if (!askMain) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  const photos = state.kit.photos;
  const mine = photos.find((p) => p.image === askMain.image);
  const main = photos.find((p) => p.role === "main");
  const done = (text) => {
    const id = askMain.image;
    askMain = null;
    render();
    sayAt(photoButton(id), text);
  };
  box.hidden = false;
  if (askMain.menu) {
    box.replaceChildren(
      el("p", {}, `“${titleOf(askMain.image)}”：`),
      mine.role !== "main" &&
        button("设为主图", () => {
          if (main) {
            askMain = { image: askMain.image, menu: false };
            renderPhotoAsk();
            return;
          }
          change(() => (mine.role = "main"));
          done("已设为主图");
        }),
      button("不用这张", () => {
        change(() => {
          photos.splice(photos.indexOf(mine), 1);
          if (mine.role === "main" && photos.length) photos[0].role = "main";
        });
        done(mine.role === "main" && photos.length ? `已去掉；“${titleOf(photos[0].image)}”改为主图` : "已去掉");
      }),
      button("取消", () => {
        askMain = null;
        renderPhotoAsk();
      }),
    );
  } else {
    // Exactly one main photo: say which one is main now and let the person keep one of the two.
    box.replaceChildren(
      el("p", {}, `只能有一张主图。现在的主图是“${titleOf(main.image)}”，保留哪一张？`),
      button(`保留“${titleOf(main.image)}”`, () => done("主图没有变")),
      button(`换成“${titleOf(mine.image)}”`, () => {
        change(() => {
          main.role = "detail";
          mine.role = "main";
        });
        done("已换成主图");
      }),
    );
  }
  box.querySelector("button")?.focus();
}

function renderFields() {
  for (const input of document.querySelectorAll("[data-field]")) {
    if (document.activeElement !== input) input.value = state.kit[input.name] || "";
  }
  countShort();
  renderSwatches();
}

const chosenColours = () => (state.kit.palette || "").split(",").map((c) => c.trim().toUpperCase()).filter(Boolean);

// Every swatch comes from the server with the text colour that reads on it (stories/palette.py).
function renderSwatches() {
  const chosen = new Set(chosenColours());
  $("swatches").replaceChildren(
    ...state.swatches.map((s) =>
      el(
        "button",
        {
          type: "button",
          className: "swatch" + (chosen.has(s.colour) ? " chosen" : ""),
          style: `background:${s.colour};color:${s.text}`,
          ariaPressed: String(chosen.has(s.colour)),
          title: `${s.colour}（${s.source === "photo" ? "取自照片" : "设计色"}），配${s.text === "#FFFFFF" || s.text === "#FFFAF3" ? "浅" : "深"}色字，对比度 ${s.ratio}:1`,
          onclick: (e) => toggleColour(s.colour, e.currentTarget),
        },
        el("span", { className: "sample" }, "字"),
        el("span", { className: "ratio" }, `${s.ratio}:1`),
        s.as_text ? el("span", { className: "ratio" }, "可作字色") : null,
      ),
    ),
  );
}

function toggleColour(colour, control) {
  const colours = chosenColours();
  const at = colours.indexOf(colour);
  change(() => {
    if (at < 0) colours.push(colour);
    else colours.splice(at, 1);
    state.kit.palette = colours.join(", ");
  });
  sayAt([...$("swatches").children].find((b) => b.title.startsWith(colour)) || control, at < 0 ? "已加入品牌色" : "已去掉");
}

function countShort() {
  const n = [...$("f-short_story").value].length;
  $("short-count").textContent = `${n} / 100 字`;
  $("short-count").className = n > 100 ? "count error" : "count";
}

function renderComments() {
  $("comments").replaceChildren(...state.comments.filter((c) => !c.snippet).map((c) => el("li", {}, el("b", {}, c.author), `：${c.text}`)));
}

function renderStatus() {
  const k = state.kit;
  const word = k.withdrawn_reason ? "已下架" : k.status;
  const status = $("kit-status");
  status.replaceChildren(el("span", { className: `state state-${word}` }, word));
  if (k.withdrawn_reason) status.append(`：${k.withdrawn_reason}`);
  if (dirty) status.append(el("span", { className: "unsaved" }, " · 有未保存的修改"));
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
async function act(path, body, control) {
  try {
    const fresh = (await post(base + path, body)).state;
    const kit = dirty ? { ...state.kit, approval_requested: fresh.kit.approval_requested, status: fresh.kit.status } : fresh.kit;
    state = { ...fresh, kit };
    render();
    return true;
  } catch (error) {
    sayAt(control, error.message, true);
    return false;
  }
}

async function save() {
  const payload = { revision: state.kit.revision, snippets: state.kit.snippets, photos: state.kit.photos };
  for (const input of document.querySelectorAll("[data-field]")) payload[input.name] = input.value;
  sayAt($("save"), "正在保存……");
  try {
    state = (await post(base + "save/", payload)).state;
    dirty = false;
    render();
    sayAt($("save"), "已保存");
    return true;
  } catch (error) {
    sayAt($("save"), error.message, true);
    return false;
  }
}

document.querySelectorAll("[data-field]").forEach((input) =>
  input.addEventListener("input", () => {
    state.kit[input.name] = input.value;
    dirty = true;
    if (input.name === "short_story") countShort();
    if (input.name === "palette") renderSwatches();
    renderStatus();
  }),
);
$("save").addEventListener("click", save);
$("submit").addEventListener("click", async () => {
  if (dirty && !(await save())) return;
  if (await act("submit/", {}, $("submit"))) sayAt($("submit"), "已请协作者审核");
});
$("extract").addEventListener("click", async (event) => {
  const control = event.currentTarget;
  if (!state.kit.photos.length) return sayAt(control, "先选几张照片。", true);
  try {
    const { palette, swatches } = await post(base + "palette/", { images: state.kit.photos.map((p) => p.image) });
    const designed = state.swatches.filter((s) => s.source === "designed" && !palette.includes(s.colour));
    state.swatches = [...swatches.filter((s) => s.source === "photo"), ...designed];
    change(() => (state.kit.palette = palette.join(", ")));
    sayAt(control, `已从照片取了 ${palette.length} 个颜色`);
  } catch (error) {
    sayAt(control, error.message, true);
  }
});
$("comment-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("comment-text");
  if (!input.value.trim()) return;
  if (await act("comment/", { text: input.value, snippet: null }, event.submitter)) {
    input.value = "";
    sayAt(event.submitter, "已发表评论");
  }
});

// Board search: oral-history sentences, recipes and memories; a hit already in the story or
// among the candidates says so instead of offering to add it again.
const ADDABLE = { segment: "口述", recipe: "菜谱", memory: "回忆" };

function usedAs(hit) {
  const match = /^page:(\d+)\/(?:seg:(\d+))?$/.exec(hit.key || "");
  if (!match) return null;
  const page = Number(match[1]);
  const covers = (s) => s.page === page && (hit.start === null || s.start === null || (hit.start >= s.start - 0.05 && hit.start < s.end));
  if (storySnippets().some(covers)) return "已在故事里";
  const byId = snippetsById();
  if (state.candidates.some((id) => byId.has(id) && covers(byId.get(id)))) return "已在候选";
  return null;
}

function renderHits(hits, query) {
  $("results").replaceChildren(
    ...hits.map((hit) => {
      const excerpt = el("p", { className: "quote" });
      excerpt.innerHTML = hit.excerpt; // the search service escapes the text and adds only <mark>
      const used = usedAs(hit);
      const control = used ? el("span", { className: "used" }, `✓ ${used}`) : button("加入候选", (e) => addHit(hit, query, excerpt, e.currentTarget));
      return el(
        "li",
        { className: "snippet" + (used ? " is-used" : "") },
        el("span", { className: `kind kind-${hit.kind}` }, ADDABLE[hit.kind]),
        excerpt,
        el("p", { className: "meta" }, el("a", { href: hit.url, target: "_blank" }, hit.title)),
        el("div", { className: "controls" }, control),
      );
    }),
  );
  if (!hits.length) $("results").append(el("li", { className: "hint" }, "没有找到。换个说法，或者少写几个字。"));
}

$("search").addEventListener("submit", async (event) => {
  event.preventDefault();
  const q = $("search-q").value.trim();
  if (!q) return;
  const response = await fetch(`${script.dataset.search}?q=${encodeURIComponent(q)}`);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) return sayAt(event.submitter, data.zh || "检索暂时不能用。", true);
  renderHits(data.results.filter((hit) => hit.kind in ADDABLE), q);
});

async function addHit(hit, query, excerpt, control) {
  try {
    const marks = [...excerpt.querySelectorAll("mark")].map((m) => m.textContent);
    const { snippet } = await post(script.dataset.snippets, { source: "search", key: hit.key, q: query, marks });
    state.snippets.push(snippet);
    if (!state.candidates.includes(snippet.id)) state.candidates.unshift(snippet.id);
    render();
    const mark = el("span", { className: "used" }, "✓ 已在候选");
    control.replaceWith(mark);
    sayAt(mark, "已加入候选");
  } catch (error) {
    sayAt(control, error.message, true);
  }
}

window.addEventListener("beforeunload", (event) => {
  if (dirty) event.preventDefault();
});
render();
