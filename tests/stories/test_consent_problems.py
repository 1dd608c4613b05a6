"""What keeps a kit off the shelf, named item by item (stories/consent.py): the facilitator
reads each problem, and the records keep who lacked consent, so every field is asserted."""

import pytest
from wagtail.models import Collection, CollectionViewRestriction

from stories.consent import ConsentProblem, PhotoProblem, SourceProblem, consent_problems, kit_snippets

pytestmark = pytest.mark.django_db


def test_each_problem_names_the_snippet_the_narrator_the_source_and_the_photo(make_kit, archive):
    kit = make_kit(with_zhang=True, publish=False)
    wang_said, recipe_step, memory, zhang_said = kit_snippets(kit)
    assert [s.page_id for s in (wang_said, recipe_step, memory, zhang_said)] == [
        archive[name].pk for name in ("wang", "recipe", "memory", "zhang")
    ]
    archive["recipe"].unpublish()
    private = Collection.get_first_root_node().add_child(name="工作坊内部")
    CollectionViewRestriction.objects.create(collection=private, restriction_type=CollectionViewRestriction.LOGIN)
    photo = kit.kit_photos.first().image
    photo.collection = private
    photo.save()

    problems = consent_problems(kit)

    zhang = archive["张德明"]
    # 张德明 gave archive consent only: public and commercial are missing, for his snippet alone.
    assert sorted(
        (p.snippet_id, p.narrator, p.narrator_id, p.scope) for p in problems if isinstance(p, ConsentProblem)
    ) == [(zhang_said.pk, "张德明", zhang.pk, "commercial"), (zhang_said.pk, "张德明", zhang.pk, "public")]
    # Sources that may not be sold now: his archive-only story and the unpublished recipe, each
    # with only the snippets taken from it (not 王秀英's story or memory, which may be).
    assert sorted((p.snippet_id, p.page_title) for p in problems if isinstance(p, SourceProblem)) == sorted(
        [(zhang_said.pk, "张德明讲述"), (recipe_step.pk, "王家阳朗辣子鸡")]
    )
    assert [(p.image_id, p.image_title) for p in problems if isinstance(p, PhotoProblem)] == [(photo.pk, photo.title)]
    assert len(problems) == 5


def test_a_kit_whose_narrators_all_agreed_has_no_problem(make_kit):
    assert consent_problems(make_kit(publish=False)) == []


def test_a_kits_snippets_come_with_their_sources_and_narrators_in_a_fixed_number_of_queries(
    make_kit, django_assert_num_queries
):
    from stories.models import BrandKit

    kit = BrandKit.objects.get(pk=make_kit(with_zhang=True, publish=False).pk)
    # The kit's links, the snippets with their pages and recordings, their narrators: however
    # many snippets (the shelf asks this of every kit on every visit).
    with django_assert_num_queries(3):
        said = [
            (s.page.title, s.recording_id and s.recording.pk, [n.pk for n in s.narrators.all()])
            for s in kit_snippets(kit)
        ]
    assert len(said) == 4 and all(narrators for _, _, narrators in said)
