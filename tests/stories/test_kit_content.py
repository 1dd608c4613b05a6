"""What an export is made from (stories/exporting.py): every field of the flattened kit,
written out here by hand, so a field read from the wrong place, dropped or defaulted shows.

The kit quotes 李桂芬's recipe first (her consent witnessed, with a recording as evidence,
she is never quoted from a recording) and then 王秀英's recording (dated) and memory."""

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from wagtail.models import Revision

from heritage.models import OralHistoryPage, RecipePage
from heritage.models.people import Consent
from stories.exceptions import KitNotApproved, LabelNotPrintable
from stories.export.content import LABEL_FIELDS, Credit, Photo
from stories.exporting import (
    STALE_PART_SECONDS,
    approved_kit,
    approved_revision,
    export_dir,
    export_kit,
    kit_content,
    remove_stale_parts,
    zip_name,
)
from stories.models import BrandKit, KitPhoto, KitSnippet, Workshop
from stories.snippets import from_memory_paragraph, from_recipe_step, from_segments

from .. import factories as f
from ..clock import NOW
from .conftest import photo

pytestmark = pytest.mark.django_db

BASE_URL = "https://shop.example/LIBEIX/"  # a site under a path; the trailing slash and the X matter


@pytest.fixture
def kit_world(archive, people, clock):
    author, approver = people["facilitator"], f.facilitator()
    li = f.full_consent("李桂芬")
    Consent.objects.filter(narrator=li, scope="commercial").update(
        witnessed_by=approver, evidence_recording=archive["wang"].recording
    )
    recipe = f.item(
        archive["index"], RecipePage, narrators=[li], title="李家糍粑辣椒", steps=[("step", {"text": "辣椒舂成糍粑。"})]
    )
    OralHistoryPage.objects.filter(pk=archive["wang"].pk).update(recorded_date=date(2026, 5, 3))
    segments = list(archive["wang"].segments)
    snippets = [
        from_recipe_step(recipe.pk, 1, author),
        from_segments(archive["wang"].pk, segments[0].pk, segments[1].pk, author),
        from_memory_paragraph(archive["memory"].pk, 2, author),
    ]
    workshop = Workshop.objects.create(title="春季共创", facilitator=author, date=date(2026, 4, 1))
    kit = BrandKit(
        slug="ciba-chilli",
        title="糍粑辣椒 200 g 罐装",
        product_name="糍粑辣椒",
        tagline="外婆的糍粑辣椒",
        short_story="腊月里舂辣椒，满屋子都是香味。",
        long_story="立碑村的糍粑辣椒，一家一个味道。",
        selling_points="手工舂制\n\n  只用本地辣椒  ",
        keywords="贵州特产，息烽 辣椒",
        palette="#7a1f1f, #f2e6d0",
        workshop=workshop,
        food_name="糍粑辣椒",
        net_content="200 g",
        live=False,
    )
    kit.kit_snippets = [
        KitSnippet(snippet=snippets[0], sort_order=0, note="开头"),
        KitSnippet(snippet=snippets[1], sort_order=1),
        KitSnippet(snippet=snippets[2], sort_order=2, note="结尾"),
    ]
    focused, plain = photo("舂辣椒"), photo("辣椒罐")
    focused.focal_point_x, focused.focal_point_y, focused.focal_point_width, focused.focal_point_height = (
        600,
        300,
        200,
        100,
    )
    focused.save()
    kit.kit_photos = [KitPhoto(image=focused, role="main"), KitPhoto(image=plain, role="detail")]
    kit.save()
    revision = kit.save_revision(user=author)
    clock.shift(timedelta(hours=1))  # approved an hour after the draft was saved
    revision.publish(user=approver)
    kit.refresh_from_db()
    return {
        "kit": kit,
        "revision": revision,
        "author": author,
        "approver": approver,
        "li": li,
        "wang": archive["王秀英"],
        "snippets": snippets,
        "photos": (focused, plain),
        "workshop": workshop,
        "recipe": recipe,
        "oral": archive["wang"],
        "memory": archive["memory"],
    }


def consent_of(narrator, scope, *, witness=None, evidence=None) -> dict:
    record = narrator.consents.get(scope=scope, withdrawn_at__isnull=True)
    return {
        "narrator": narrator.name,
        "narrator_id": narrator.pk,
        "scope": scope,
        "given_at": record.given_at.isoformat(),
        "method": "spoken",
        "evidence_document_id": None,
        "evidence_recording_id": evidence,
        "witnessed_by": witness,
        "consent_id": record.pk,
    }


@override_settings(WAGTAILADMIN_BASE_URL=BASE_URL)
def test_every_field_of_the_flattened_kit(kit_world):
    w = kit_world
    li, wang, oral = w["li"], w["wang"], w["oral"]
    recipe_snippet, oral_snippet, memory_snippet = w["snippets"]
    focused, plain = w["photos"]

    content = kit_content(w["kit"])  # no revision handed in: the approved one is read

    assert content.slug == "ciba-chilli"
    assert content.title == "糍粑辣椒 200 g 罐装"
    assert content.product_name == "糍粑辣椒"
    assert content.tagline == "外婆的糍粑辣椒"
    assert content.short_story == "腊月里舂辣椒，满屋子都是香味。"
    assert content.long_story == "立碑村的糍粑辣椒，一家一个味道。"
    assert content.selling_points == ("手工舂制", "只用本地辣椒")
    assert content.keywords == ("贵州特产", "息烽", "辣椒")
    assert content.palette == ("#7A1F1F", "#F2E6D0")
    assert content.label == {spec.key: "" for spec in LABEL_FIELDS} | {"food_name": "糍粑辣椒", "net_content": "200 g"}
    assert content.story_url == "https://shop.example/LIBEIX/kits/ciba-chilli/"
    assert content.workshop == "春季共创（2026-04-01）"
    assert content.revision_id == w["revision"].pk
    # Approval is the publish an hour after the draft, by the approver, not the draft's author.
    assert content.approved_at == w["kit"].last_published_at.isoformat()
    assert content.approved_at.startswith("2027-01-15T03:00:")  # NOW is 10:00 in Shanghai, 02:00 UTC
    assert content.approved_by == w["approver"].username != w["author"].username

    li_sells = [
        consent_of(li, "archive"),
        consent_of(li, "commercial", witness=w["approver"].username, evidence=oral.recording.pk),
        consent_of(li, "public"),
    ]
    wang_sells = [consent_of(wang, scope) for scope in ("archive", "commercial", "public")]
    assert [s.text for s in content.snippets] == [
        "辣椒舂成糍粑。",
        "我第一次做阳朗辣子鸡，是十六岁那年。外婆说，辣子鸡全看糍粑辣椒。",
        "满屋子都是香味。",
    ]
    assert [s.narrator_names for s in content.snippets] == [("李桂芬",), ("王秀英",), ("王秀英",)]
    assert [s.note for s in content.snippets] == ["开头", "", "结尾"]
    assert [sorted(s.consent, key=lambda c: c["scope"]) for s in content.snippets] == [li_sells, wang_sells, wang_sells]
    assert [s.source for s in content.snippets] == [
        {
            "kind": "recipe_step",
            "page_id": w["recipe"].pk,
            "page_title": "李家糍粑辣椒",
            "position": 1,
            "snippet_id": recipe_snippet.pk,
            "where": "第 1 步",
        },
        {
            "kind": "segments",
            "page_id": oral.pk,
            "page_title": "王秀英讲述",
            "recording_id": oral.recording.pk,
            "recording_sha256": oral.recording.sha256,
            "first_segment_id": oral_snippet.first_segment_id,
            "last_segment_id": oral_snippet.last_segment_id,
            "start": 0.0,
            "end": 5.8,
            "snippet_id": oral_snippet.pk,
            "where": "0:00–0:05",
        },
        {
            "kind": "memory_paragraph",
            "page_id": w["memory"].pk,
            "page_title": "舂辣椒",
            "position": 2,
            "snippet_id": memory_snippet.pk,
            "where": "第 2 段",
        },
    ]
    # Credits in order of first quote; a recording only for the one quoted from a recording,
    # named with the day it was recorded (not uploaded).
    assert content.credits == (
        Credit("李桂芬", "立碑村", ()),
        Credit("王秀英", "立碑村", ("王秀英的讲述（录于 2026年5月3日，2026-05-03）",)),
    )
    assert content.photos == (
        Photo(path=Path(focused.file.path), title="舂辣椒", focal_box=(500, 250, 700, 350), role="main"),
        Photo(path=Path(plain.file.path), title="辣椒罐", focal_box=None, role="detail"),
    )


def test_who_approved_falls_back_to_the_revisions_author_then_to_nobody(kit_world):
    kit, revision = kit_world["kit"], kit_world["revision"]
    BrandKit.objects.filter(pk=kit.pk).update(approved_by=None)
    kit.refresh_from_db()
    assert kit_content(kit).approved_by == kit_world["author"].username
    Revision.objects.filter(pk=revision.pk).update(user=None)
    kit.refresh_from_db()
    assert kit_content(kit).approved_by == ""


def test_a_kit_without_a_workshop_names_none(kit_world):
    kit = kit_world["kit"]
    kit_world["workshop"].delete()  # SET_NULL on the kit; the revision still names it, so publish again
    kit.refresh_from_db()
    kit.save_revision(user=kit_world["author"]).publish(user=kit_world["approver"])
    kit.refresh_from_db()
    assert kit_content(kit).workshop == ""


def test_a_quote_whose_narrator_has_since_withdrawn_lists_no_consent_instead_of_failing(kit_world, clock):
    """Flattening never decides consent (export_kit checks first); it records what it finds."""
    Consent.objects.filter(narrator=kit_world["li"]).update(withdrawn_at=NOW)
    clock.shift(timedelta(minutes=1))
    content = kit_content(kit_world["kit"])
    assert content.snippets[0].consent == []
    assert len(content.snippets[1].consent) == 3


def test_an_unpublished_kit_is_not_approved_even_if_it_remembers_its_revision(kit_world):
    kit = kit_world["kit"]
    BrandKit.objects.filter(pk=kit.pk).update(live=False)
    kit.refresh_from_db()
    assert kit.live_revision_id is not None
    with pytest.raises(KitNotApproved):
        approved_revision(kit)
    with pytest.raises(KitNotApproved):
        export_kit(kit)


def test_the_approved_kit_is_read_from_the_revision_without_a_query_per_child_row(kit_world):
    kit, revision = kit_world["kit"], kit_world["revision"]
    BrandKit.objects.filter(pk=kit.pk).update(tagline="看板上改过的一句话")  # the board edits the row after approval
    kit.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        approved = approved_kit(kit, revision)
    assert len(queries) == 0  # the revision is in hand; Wagtail's foreign-key checks would add a dozen
    assert approved.pk == kit.pk
    assert approved.tagline == "外婆的糍粑辣椒"
    assert [link.snippet_id for link in approved.kit_snippets.all()] == [s.pk for s in kit_world["snippets"]]


def test_the_zip_is_kept_under_the_data_folder_and_named_by_revision_and_consent(kit_world):
    kit = kit_world["kit"]
    target = export_kit(kit)
    assert target.parent == Path(settings.DATA_DIR) / "exports" == export_dir()
    name = zip_name(kit, kit_content(kit))
    assert target.name == name
    slug, revision, fingerprint = name.removesuffix(".zip").rsplit("-", 2)
    assert (slug, revision) == ("ciba-chilli", f"r{kit_world['revision'].pk}")
    assert len(fingerprint) == 10 and int(fingerprint, 16) >= 0


def test_an_export_is_reused_unless_a_rebuild_is_asked_for(kit_world, tmp_path):
    kit = kit_world["kit"]
    out = tmp_path / "shelf" / "exports"  # folders that do not exist yet are made
    first = export_kit(kit, out)
    long_ago = first.stat().st_mtime - 86400
    os.utime(first, (long_ago, long_ago))
    assert export_kit(kit, out) == first
    assert first.stat().st_mtime == long_ago  # not written again
    assert export_kit(kit, out, rebuild=True) == first
    assert first.stat().st_mtime > long_ago


def test_a_label_the_renderer_refuses_reaches_the_seller_with_each_problem(kit_world, monkeypatch):
    """No palette gets here today (label_colours never picks a light colour for text); should
    one ever, the renderer's refusal must reach the seller as a named error with its reasons."""
    from stories.export import label

    cream_tagline = label.LabelColours(dark="#5a1a10", accent="#f3e2c7", band_text="#ffffff")
    monkeypatch.setattr(label, "label_colours", lambda palette: cream_tagline)
    with pytest.raises(LabelNotPrintable) as refused:
        export_kit(kit_world["kit"])
    [problem] = refused.value.problems
    assert "#f3e2c7" in problem and problem in str(refused.value)
    assert not list(export_dir().glob("*.zip"))


def test_a_part_exactly_an_hour_old_is_still_kept(tmp_path):
    target = tmp_path / "kit-r1-abc.zip"
    part = tmp_path / f".{target.name}.1111.part"
    part.write_bytes(b"PK")
    with time_machine.travel(NOW, tick=False):
        now = NOW.timestamp()
        os.utime(part, (now - STALE_PART_SECONDS, now - STALE_PART_SECONDS))
        assert remove_stale_parts(target) == []
    assert part.exists()


def test_a_part_another_process_removes_first_is_not_an_error(tmp_path, monkeypatch):
    target = tmp_path / "kit-r1-abc.zip"
    part = tmp_path / f".{target.name}.1111.part"
    part.write_bytes(b"PK")
    old = NOW.timestamp() - STALE_PART_SECONDS - 60
    os.utime(part, (old, old))
    stat = Path.stat

    def stat_then_lose_the_race(self, *args, **kwargs):
        result = stat(self, *args, **kwargs)
        if self.name.endswith(".part"):
            os.unlink(self)  # a second export cleaning the same folder gets there first
        return result

    monkeypatch.setattr(Path, "stat", stat_then_lose_the_race)
    assert remove_stale_parts(target) == [part]
    monkeypatch.undo()
    assert not part.exists()
