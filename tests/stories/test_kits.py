"""Brand kits: consent enforced at publish, export and withdrawal; drafts never overwrite each other."""

import json
import zipfile
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.models import ModelLogEntry
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from heritage.models import Consent
from stories import board, snippets
from stories.exceptions import EditConflict, KitConsentError, KitNotApproved, SnippetSourceError
from stories.exporting import export_kit
from stories.models import BrandKit, SnippetSource
from stories.shelf import kits_on_shelf
from stories.withdrawal import WITHDRAWN_ACTION

pytestmark = pytest.mark.django_db


def withdraw(narrator, scope="commercial"):
    Consent.objects.filter(narrator=narrator, scope=scope).update(withdrawn_at=timezone.now() - timedelta(seconds=1))
    # .update() sends no signal: save one record, as the admin's form does.
    Consent.objects.filter(narrator=narrator, scope=scope).first().save()


def test_a_snippet_points_exactly_at_its_source(archive, people):
    segments = list(archive["wang"].segments)
    snippet = snippets.from_segments(archive["wang"].pk, segments[2].pk, segments[1].pk, people["participant"])
    assert snippet.text == segments[1].text + segments[2].text
    assert (snippet.start, snippet.end) == (segments[1].start, segments[2].end)
    assert [n.name for n in snippet.narrators.all()] == ["王秀英"]
    pointer = snippet.pointer()
    assert pointer["recording_sha256"] == archive["wang"].recording.sha256
    assert (pointer["first_segment_id"], pointer["last_segment_id"]) == (segments[1].pk, segments[2].pk)

    step = snippets.from_recipe_step(archive["recipe"].pk, 1, people["participant"])
    assert (step.source, step.position, step.text) == (SnippetSource.RECIPE_STEP, 1, "干辣椒用温水泡软。")
    paragraph = snippets.from_memory_paragraph(archive["memory"].pk, 2, people["participant"], quote="满屋子")
    assert paragraph.text == "满屋子" and paragraph.where == "第 2 段"


def test_snippets_refuse_what_the_maker_may_not_see_or_did_not_say(archive, people):
    first = archive["zhang"].segments.first()
    # 张德明 keeps archive consent only: a workshop participant may not see his words.
    with pytest.raises(SnippetSourceError):
        snippets.from_segments(archive["zhang"].pk, first.pk, first.pk, people["participant"])
    other = archive["zhang"].segments.first()
    mine = archive["wang"].segments.first()
    with pytest.raises(SnippetSourceError):  # segments of another recording
        snippets.from_segments(archive["wang"].pk, mine.pk, other.pk, people["facilitator"])
    with pytest.raises(SnippetSourceError, match="对不上"):
        snippets.from_segments(archive["wang"].pk, mine.pk, mine.pk, people["facilitator"], quote="从来没说过")
    with pytest.raises(SnippetSourceError):
        snippets.from_recipe_step(archive["recipe"].pk, 9, people["facilitator"])
    with pytest.raises(SnippetSourceError):
        snippets.from_search_key("page:1/seg:abc", people["facilitator"])


def test_a_kit_quoting_someone_without_commercial_consent_cannot_be_published(make_kit):
    kit = make_kit(with_zhang=True, publish=False)
    with pytest.raises(KitConsentError) as raised:
        kit.latest_revision.publish()
    message = str(raised.value)
    assert "张德明" in message and "油坊的秋天最忙" in message and "商业品牌使用" in message
    assert "王秀英" not in message
    kit.refresh_from_db()
    assert not kit.live
    with pytest.raises(KitNotApproved):
        export_kit(kit)


def test_the_admin_publish_button_names_the_snippet_and_the_narrator(make_kit, people, client):
    kit = make_kit(with_zhang=True, publish=False)
    client.force_login(people["facilitator"])
    fields = ("title", "slug", "product_name", "tagline", "short_story", "food_name", "net_content")
    data = nested_form_data(
        {
            **{name: getattr(kit, name) for name in fields},
            "kit_snippets": inline_formset(
                [{"id": link.pk, "snippet": link.snippet_id, "note": ""} for link in kit.kit_snippets.all()]
            ),
            "kit_photos": inline_formset(
                [{"id": link.pk, "image": link.image_id, "role": link.role} for link in kit.kit_photos.all()]
            ),
            "action-publish": "action-publish",
        }
    )
    response = client.post(f"/admin/snippets/stories/brandkit/edit/{kit.pk}/", data, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert any("张德明" in m and "商业品牌使用" in m for m in shown), shown
    kit.refresh_from_db()
    assert not kit.live
    assert kit.latest_revision.user == people["facilitator"]  # the edit itself was kept as a draft


def test_withdrawn_consent_takes_the_kit_off_the_shelf_and_tells_its_facilitators(
    make_kit, archive, people, django_capture_on_commit_callbacks
):
    people["facilitator"].email = "facilitator@example.invalid"
    people["facilitator"].save()
    kit = make_kit()
    assert kits_on_shelf() == [kit]
    zip_path = export_kit(kit)
    assert zip_path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        withdraw(archive["王秀英"])
    kit.refresh_from_db()
    assert not kit.live
    assert "王秀英" in kit.withdrawn_reason
    assert kits_on_shelf() == []
    assert not zip_path.exists()
    assert ModelLogEntry.objects.filter(action=WITHDRAWN_ACTION, object_id=str(kit.pk)).exists()
    assert len(mail.outbox) == 1 and "facilitator@example.invalid" in mail.outbox[0].to
    assert "王秀英" in mail.outbox[0].body
    with pytest.raises(KitNotApproved):
        export_kit(kit)


def test_the_shelf_checks_consent_itself_even_before_any_signal(make_kit, archive, client):
    kit = make_kit()
    assert client.get(f"/kits/{kit.slug}/").status_code == 200
    Consent.objects.filter(narrator=archive["王秀英"], scope="commercial").update(withdrawn_at=timezone.now())
    assert BrandKit.objects.get(pk=kit.pk).live  # no signal ran: the kit itself still says live
    assert kits_on_shelf() == []
    with pytest.raises(KitConsentError):
        export_kit(BrandKit.objects.get(pk=kit.pk))
    # The story page the jar's QR code opens asks too.
    response = client.get(f"/kits/{kit.slug}/")
    assert response.status_code == 404 and "外婆说" not in response.content.decode()


def test_the_export_is_built_from_the_approved_revision_not_a_later_draft(make_kit, people):
    kit = make_kit()
    approved = kit.live_revision_id
    board.save_draft(kit.pk, {"tagline": "草稿里的新标语"}, people["participant"], kit.latest_revision_id)
    kit = BrandKit.objects.get(pk=kit.pk)
    assert kit.latest_revision_id != approved
    with zipfile.ZipFile(export_kit(kit)) as bundle:
        texts = [name for name in bundle.namelist() if name.endswith((".md", ".txt", ".json", ".csv", ".html"))]
        text = "".join(bundle.read(name).decode() for name in texts)
        manifest = json.loads(bundle.read("manifest.json"))
    assert "外婆的糍粑辣椒" in text and "草稿里的新标语" not in text
    assert manifest["revision_id"] == approved


def test_two_people_saving_the_same_draft_never_overwrite_each_other(make_kit, people):
    kit = make_kit(publish=False)
    loaded = kit.latest_revision_id
    saved = board.save_draft(kit.pk, {"tagline": "甲的标语"}, people["participant"], loaded)
    with pytest.raises(EditConflict) as raised:
        board.save_draft(kit.pk, {"tagline": "乙的标语"}, people["facilitator"], loaded)
    assert str(people["participant"]) in str(raised.value)
    kit.refresh_from_db()
    assert board.draft_of(kit).tagline == "甲的标语" == saved.tagline
    again = board.save_draft(kit.pk, {"tagline": "乙的标语"}, people["facilitator"], kit.latest_revision_id)
    assert again.tagline == "乙的标语"


def test_a_draft_of_a_live_kit_leaves_the_approved_revision_alone(make_kit, people):
    kit = make_kit()
    approved = kit.live_revision_id
    board.save_draft(kit.pk, {"tagline": "新标语", "snippets": []}, people["participant"], kit.latest_revision_id)
    kit.refresh_from_db()
    assert kit.live_revision_id == approved and kit.tagline == "外婆的糍粑辣椒"
    assert kit.kit_snippets.count() == 3
    assert board.draft_of(kit).tagline == "新标语"


def test_board_validation_keeps_the_short_story_short(make_kit, people):
    kit = make_kit(publish=False)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        board.save_draft(kit.pk, {"short_story": "辣" * 101}, people["participant"], kit.latest_revision_id)
    assert board.draft_of(BrandKit.objects.get(pk=kit.pk)).short_story == "外婆说，辣子鸡全看糍粑辣椒。"


def test_export_kit_command_lists_and_builds(make_kit, tmp_path, capsys):
    make_kit(slug="draft-kit", publish=False)
    make_kit(slug="approved-kit")
    call_command("export_kit", "--list")
    assert capsys.readouterr().out.split() == ["approved-kit"]
    call_command("export_kit", "approved-kit", "--out", str(tmp_path))
    path = tmp_path / capsys.readouterr().out.strip().rsplit("/", 1)[-1]
    with zipfile.ZipFile(path) as bundle:
        names = set(bundle.namelist())
        manifest = json.loads(bundle.read("manifest.json"))
        credits = bundle.read("credits.txt").decode()
    assert {"packaging/label.pdf", "story.md", "story.txt", "credits.txt", "manifest.json"} <= names
    assert "王秀英" in credits
    kit = BrandKit.objects.get(slug="approved-kit")
    assert str(kit.live_revision_id) in json.dumps(manifest)
    with pytest.raises(CommandError, match="审核"):
        call_command("export_kit", "draft-kit")
    with pytest.raises(CommandError, match="--list"):
        call_command("export_kit", "no-such-kit")


def test_snippets_and_kits_are_found_by_facilitators_only(make_kit, people):
    from search import service

    make_kit()
    service.rebuild()
    facilitator = service.search("糍粑辣椒", people["facilitator"])
    kinds = {hit.kind for hit in facilitator.hits}
    assert {"snippet", "kit"} <= kinds
    for who in (None, people["participant"], people["seller"]):
        assert not {"snippet", "kit"} & {hit.kind for hit in service.search("糍粑辣椒", who).hits}


def test_a_snippet_from_the_transcript_editor_uses_the_saved_sentences(archive, people):
    recording = archive["wang"].recording
    second = list(archive["wang"].segments)[1]
    snippet = snippets.from_recording_selection(
        recording.pk, second.start, second.end, people["facilitator"], quote="辣子鸡全看"
    )
    assert (snippet.text, snippet.first_segment, snippet.page_id) == ("辣子鸡全看", second, archive["wang"].pk)
    with pytest.raises(SnippetSourceError, match="保存"):
        snippets.from_recording_selection(recording.pk, 500, 501, people["facilitator"])
