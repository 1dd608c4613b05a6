"""The story and its credits as text: story.md, story.txt, credits.txt.

Every quote carries its speaker, the recording and the moment in it (DOMAIN.md,
"Heritage ethics": attribution), and the credits name every elder quoted.
"""

from .content import KitContent, Snippet, human_date, human_time


def _seconds(value) -> str:
    minutes, seconds = divmod(float(value), 60)
    return f"{int(minutes)}:{seconds:04.1f}"


def source_text(source: dict) -> str:
    """A snippet's source pointer for people: 《录音》 0:12–0:19, a recipe step, a memory paragraph."""
    kind = source.get("kind", "")
    title = source.get("page_title", "?")
    if kind == "segments":
        where = f"《{title}》"
        if "start" in source and "end" in source:
            where += f" {_seconds(source['start'])}–{_seconds(source['end'])}"
        return where
    if kind == "recipe_step":
        return f"菜谱《{title}》第 {source.get('position', '?')} 步"
    if kind == "memory_paragraph":
        return f"家庭记忆《{title}》第 {source.get('position', '?')} 段"
    return f"《{title}》"


def _attribution(snippet: Snippet) -> str:
    return f"{'、'.join(snippet.narrator_names)}，{source_text(snippet.source)}"


def story_markdown(content: KitContent) -> str:
    lines = [f"# {content.product_name}", "", f"**{content.tagline}**", "", content.short_story, ""]
    lines += [paragraph.strip() for paragraph in content.long_story.split("\n")] + [""]
    if content.selling_points:
        lines += ["## 特点", ""] + [f"- {point}" for point in content.selling_points] + [""]
    if content.snippets:
        lines += ["## 老人们说", ""]
        for snippet in content.snippets:
            lines += [f"> {snippet.text}", ">", f"> —— {_attribution(snippet)}", ""]
    lines += ["## 致谢", "", credits_line(content), "", f"听他们讲：{content.story_url}", ""]
    return "\n".join(lines)


def story_text(content: KitContent) -> str:
    lines = [content.product_name, content.tagline, "", content.short_story, ""]
    lines += [paragraph.strip() for paragraph in content.long_story.split("\n")] + [""]
    if content.selling_points:
        lines += [f"· {point}" for point in content.selling_points] + [""]
    for snippet in content.snippets:
        lines += [f"“{snippet.text}”", f"—— {_attribution(snippet)}", ""]
    lines += [credits_line(content), content.story_url, ""]
    return "\n".join(lines)


def credits_line(content: KitContent) -> str:
    """The one line the label carries: who told the story, and where."""
    villages = list(dict.fromkeys(credit.village for credit in content.credits if credit.village))
    names = "、".join(credit.name for credit in content.credits)
    place = f"（{'、'.join(villages)}）" if villages else ""
    line = f"故事讲述：{names}{place}"
    return f"{line} · {content.workshop}" if content.workshop else line


def credits_text(content: KitContent) -> str:
    """credits.txt: every elder, their recordings and dates, each quote's source, the workshop."""
    lines = [f"{content.product_name} · 致谢 / Credits", ""]
    lines += ["讲述者 / Narrators"]
    for credit in content.credits:
        lines.append(f"- {credit.name}，{credit.village}" if credit.village else f"- {credit.name}")
        lines += [f"    录音 / recording: {recording}" for recording in credit.recordings]
    quoted = {name for snippet in content.snippets for name in snippet.narrator_names}
    credited = {credit.name for credit in content.credits}
    for name in sorted(quoted - credited):  # a quote must never go uncredited
        lines.append(f"- {name}")
    lines += ["", "引用 / Quotes"]
    for number, snippet in enumerate(content.snippets, 1):
        lines += [f"{number}. “{snippet.text}”", f"   —— {_attribution(snippet)}"]
    lines += [""]
    if content.workshop:
        lines.append(f"共创工作坊 / Workshop: {content.workshop}")
    lines += [
        f"审定 / Approved by: {content.approved_by}，{human_time(content.approved_at)}（{content.approved_at}）",
        f"导出 / Exported: {human_date(content.exported_on)}（{content.exported_on.isoformat()}）",
        f"品牌包修订 / Kit revision: {content.revision_id}",
        "所有引用均经讲述者同意用于商业品牌 / Every quote is used with its narrator's consent to commercial brand use.",
        "",
    ]
    return "\n".join(lines)
