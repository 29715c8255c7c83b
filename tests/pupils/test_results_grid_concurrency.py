"""Two people with the same results grid open: nothing either saved is lost without a word."""

from __future__ import annotations

import pytest

from pupils.models import Result
from tests.pupils.grid_helpers import grid_cell, grid_form, signed_in


@pytest.mark.django_db
def test_a_stale_grid_saves_only_its_own_changes(world, grid):
    """The SENCO opened the grid before the teacher saved a result; the SENCO's save keeps the teacher's."""
    a, b, _c = world.pupils
    reading = grid["reading"]
    teacher, senco = signed_in(world.users["teacher"]), signed_in(world.users["senco"])
    teachers_page, sencos_page = grid_form(teacher, grid["url"]), grid_form(senco, grid["url"])

    teachers_page[grid_cell(a, reading)] = "92"
    assert teacher.post(grid["url"], teachers_page).status_code == 302

    sencos_page[grid_cell(b, reading)] = "104"  # the SENCO's page still shows a blank for pupil a
    assert senco.post(grid["url"], sencos_page).status_code == 302
    saved = dict(Result.objects.values_list("pupil_id", "typed"))
    assert saved == {a.pk: "92", b.pk: "104"}
    assert Result.objects.get(pupil=a).entered_by == world.users["teacher"]


@pytest.mark.django_db
def test_a_blank_deletes_only_a_result_that_was_there_and_unchanged(world, grid):
    a, b, _c = world.pupils
    reading = grid["reading"]
    Result.objects.create(pupil=a, assessment=reading, value=90, typed="90")
    Result.objects.create(pupil=b, assessment=reading, value=95, typed="95")
    teacher, senco = signed_in(world.users["teacher"]), signed_in(world.users["senco"])
    teachers_page, sencos_page = grid_form(teacher, grid["url"]), grid_form(senco, grid["url"])

    # The teacher corrects b; then the SENCO, on the older page, clears a and clears b.
    teachers_page[grid_cell(b, reading)] = "97"
    teacher.post(grid["url"], teachers_page)
    sencos_page[grid_cell(a, reading)] = ""
    sencos_page[grid_cell(b, reading)] = ""
    response = senco.post(grid["url"], sencos_page)
    assert response.status_code == 200
    assert dict(Result.objects.values_list("pupil_id", "typed")) == {b.pk: "97"}  # a cleared, b kept
    page = response.content.decode()
    assert "changed by someone else" in page
    assert "Now 97" in page and "you typed a blank" in page


@pytest.mark.django_db
def test_a_conflict_shows_both_values_and_saving_again_keeps_yours(world, grid):
    a = world.pupils[0]
    reading = grid["reading"]
    teacher, senco = signed_in(world.users["teacher"]), signed_in(world.users["senco"])
    teachers_page, sencos_page = grid_form(teacher, grid["url"]), grid_form(senco, grid["url"])
    teachers_page[grid_cell(a, reading)] = "92"
    teacher.post(grid["url"], teachers_page)

    sencos_page[grid_cell(a, reading)] = "88"
    response = senco.post(grid["url"], sencos_page)
    assert response.status_code == 200
    assert Result.objects.get(pupil=a).typed == "92"
    (conflict,) = response.context["rows"][[p.pk for p, _ in response.context["rows"]].index(a.pk)][1][0:1]
    assert conflict["value"] == "88" and conflict["original"] == "92"
    assert conflict["conflict"].theirs == "92" and conflict["conflict"].yours == "88"
    teacher_name = world.users["teacher"].get_full_name() or world.users["teacher"].username
    page = response.content.decode()
    assert f"Now 92 by {teacher_name}" in page and "you typed 88" in page

    # Having seen both, the SENCO saves again: the page's original is now 92, so 88 is a deliberate change.
    again = {}
    for _pupil, cells in response.context["rows"]:
        for cell in cells:
            again[cell["name"]] = cell["value"]
            again[cell["original_name"]] = cell["original"]
    assert senco.post(grid["url"], again).status_code == 302
    assert Result.objects.get(pupil=a).typed == "88"


@pytest.mark.django_db
def test_typing_what_the_other_person_saved_is_no_conflict(world, grid):
    a = world.pupils[0]
    reading = grid["reading"]
    teacher, senco = signed_in(world.users["teacher"]), signed_in(world.users["senco"])
    teachers_page, sencos_page = grid_form(teacher, grid["url"]), grid_form(senco, grid["url"])
    teachers_page[grid_cell(a, reading)] = "92"
    teacher.post(grid["url"], teachers_page)
    sencos_page[grid_cell(a, reading)] = "92"
    assert senco.post(grid["url"], sencos_page).status_code == 302
    assert Result.objects.get(pupil=a).entered_by == world.users["teacher"]


@pytest.mark.django_db
def test_a_post_without_originals_never_deletes(world, grid):
    a = world.pupils[0]
    reading = grid["reading"]
    Result.objects.create(pupil=a, assessment=reading, value=90, typed="90")
    senco = signed_in(world.users["senco"])
    assert senco.post(grid["url"], {grid_cell(a, reading): ""}).status_code == 302
    assert Result.objects.filter(pupil=a).exists()
    senco.post(grid["url"], {grid_cell(a, reading): "91"})
    assert Result.objects.get(pupil=a).typed == "91"
