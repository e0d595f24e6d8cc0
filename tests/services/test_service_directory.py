"""The peer directory: search, filter and page through a program's active members."""

from __future__ import annotations

import pytest
from service_helpers import make_person
from sqlmodel import func, select

from peerapp.models import Employee
from peerapp.services import Refused, directory, directory_ask, programs


def names(page) -> list[str]:
    return [entry.full_name for entry in page.entries]


def search(db, program, **kwargs):
    return directory.search(db, program_id=program.id, **kwargs)


@pytest.fixture
def staff(db, program):
    """A small organisation with distinct names, titles, departments and skills."""
    return {
        "alice": make_person(
            db,
            program,
            "Alice Archer",
            job_title="Data Engineer",
            department="Data",
            skills="Python, dbt",
        ),
        "bruno": make_person(
            db,
            program,
            "Bruno Costa",
            job_title="Product Manager",
            department="Product",
            skills="Roadmapping, SQL",
            roles=("mentor",),
        ),
        "chen": make_person(
            db,
            program,
            "Chen Wei",
            job_title="Site Reliability Engineer",
            department="Engineering",
            skills="Kubernetes, Go",
            roles=("mentee",),
        ),
        "dara": make_person(
            db,
            program,
            "Dara Okafor",
            job_title="Designer",
            department="Design",
            skills="Figma, Accessibility",
        ),
        "eli": make_person(
            db,
            program,
            "Eli Python",
            job_title="Recruiter",
            department="People",
            skills="Interviewing",
        ),
    }


def test_empty_query_lists_every_member_by_name(db, program, staff):
    page = search(db, program)
    assert names(page) == sorted(person.full_name for person in staff.values())
    assert page.total == len(staff)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("archer", {"Alice Archer"}),  # name
        ("ALICE", {"Alice Archer"}),
        ("reliability", {"Chen Wei"}),  # job title
        ("engineer", {"Alice Archer", "Chen Wei"}),
        ("design", {"Dara Okafor"}),  # department (and title)
        ("people", {"Eli Python"}),  # department only
        ("kubernetes", {"Chen Wei"}),  # skill
        ("FIGMA", {"Dara Okafor"}),
        ("sql", {"Bruno Costa"}),
        ("python", {"Alice Archer", "Eli Python"}),  # skill of one, name of the other
        ("nobody-matches-this", set()),
    ],
)
def test_query_matches_name_title_department_and_skills(db, program, staff, query, expected):
    page = search(db, program, query=query)
    assert set(names(page)) == expected
    assert page.total == len(expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("engineer data", {"Alice Archer"}),
        ("Engineer   kubernetes", {"Chen Wei"}),
        ("python data", {"Alice Archer"}),
        ("python recruiter", {"Eli Python"}),
        ("engineer figma", set()),
    ],
)
def test_query_words_must_all_match(db, program, staff, query, expected):
    assert set(names(search(db, program, query=query))) == expected


def test_department_filter_is_exact_and_combines_with_query(db, program, staff):
    make_person(db, program, "Dave Data", department="Data", job_title="Analyst")
    make_person(db, program, "Paula Pitch", department="Data Products", job_title="Analyst")

    page = search(db, program, department="Data")
    assert set(names(page)) == {"Alice Archer", "Dave Data"}
    assert page.total == 2

    assert names(search(db, program, department="Data", query="analyst")) == ["Dave Data"]
    assert names(search(db, program, department="Nowhere")) == []


def test_results_carry_roles_and_public_fields_only(db, program, staff):
    [entry] = search(db, program, query="bruno").entries
    assert entry.id == staff["bruno"].id
    assert entry.roles == ["mentor"]
    assert entry.is_peer is False
    assert entry.skills == ["Roadmapping", "SQL"]
    assert not hasattr(entry, "email")
    assert not hasattr(entry, "password_hash")


def test_pagination(db, program):
    everyone = [f"Person {letter}" for letter in "GABFCED"]
    for name in everyone:
        make_person(db, program, name)
    in_order = sorted(everyone)

    pages = [search(db, program, page=number, page_size=3) for number in (1, 2, 3)]

    assert [p.total for p in pages] == [7, 7, 7]
    assert [p.page_count for p in pages] == [3, 3, 3]
    assert [p.page for p in pages] == [1, 2, 3]
    assert [len(p.entries) for p in pages] == [3, 3, 1]
    assert [name for p in pages for name in names(p)] == in_order

    for far in (99, 2**31, 10**30):
        beyond = search(db, program, page=far, page_size=3)
        assert beyond.page == 3
        assert names(beyond) == names(pages[2])

    for bad_page in (0, -2, "2", None, True):
        first = search(db, program, page=bad_page, page_size=3)
        assert first.page == 1
        assert names(first) == in_order[:3]


def test_pagination_counts_only_matches(db, program):
    for index in range(5):
        make_person(db, program, f"Match {index}", skills="Rust")
    for index in range(4):
        make_person(db, program, f"Other {index}", skills="Excel")

    page = search(db, program, query="rust", page=2, page_size=2)
    assert (page.total, page.page_count, page.page) == (5, 3, 2)
    assert names(page) == ["Match 2", "Match 3"]


def test_no_results_is_one_empty_page(db, program):
    page = search(db, program, query="nothing", page=4)
    assert (page.total, page.page_count, page.page, page.entries) == (0, 1, 1, [])


def test_inactive_employees_and_non_members_are_excluded(db, program, staff):
    other = programs.create_program(db, "Other program")
    make_person(db, None, "Python Stranger", skills="Python")  # in no program
    make_person(db, other, "Python Elsewhere", skills="Python")  # in another program
    make_person(db, program, "Python Roleless", skills="Python", roles=())  # member, no roles
    gone = make_person(db, program, "Python Gone", skills="Python")
    gone.is_active = False
    db.add(gone)
    db.commit()
    assert db.exec(select(func.count()).select_from(Employee)).one() == len(staff) + 4

    page = search(db, program, query="python")
    assert set(names(page)) == {"Alice Archer", "Eli Python"}
    assert page.total == 2
    assert set(names(search(db, other, query="python"))) == {"Python Elsewhere"}


def test_symbols_in_the_query_separate_words_and_are_never_wildcards(db, program):
    make_person(db, program, "Percy Percent", job_title="Growth 100% lead")
    make_person(db, program, "Nora Number", job_title="Growth 250x lead")
    make_person(db, program, "Una Under", skills="snake_case")
    make_person(db, program, "Sam Snake", skills="snakeXcase")
    make_person(db, program, "Bea Backslash", skills="C:\\temp")
    make_person(db, program, "Tom Other", skills="other")

    assert names(search(db, program, query="100%")) == ["Percy Percent"]
    # "_" separates words as a space does: it matches no single character.
    assert names(search(db, program, query="snake_case")) == ["Una Under"]
    assert names(search(db, program, query="snake case")) == ["Una Under"]
    assert names(search(db, program, query="C:\\temp")) == ["Bea Backslash"]
    # Symbols alone are no words: the search is as if the box were empty.
    everyone = names(search(db, program))
    for symbols in ("%", "_", "\\", "%_%", "*", '"'):
        assert names(search(db, program, query=symbols)) == everyone


def test_departments_lists_distinct_non_empty_departments(db, program, staff):
    make_person(db, program, "No Dept")
    make_person(db, program, "Second Data", department="Data")
    assert directory.departments(db, program_id=program.id) == sorted(
        {"Data", "Product", "Engineering", "Design", "People"}
    )


def test_departments_lists_only_departments_of_people_the_directory_shows(db, program, staff):
    gone = make_person(db, program, "Gone Person", department="Ghost Team")
    gone.is_active = False
    db.add(gone)
    db.commit()
    make_person(db, program, "No Roles", department="Nobody Team", roles=())
    make_person(db, None, "Outsider", department="Outside Team")

    listed = directory.departments(db, program_id=program.id)
    assert listed == sorted({"Data", "Product", "Engineering", "Design", "People"})
    for department in listed:  # every choice of the filter finds someone
        assert search(db, program, department=department).total > 0


def test_page_numbers_from_the_browser_are_read_strictly():
    assert [directory_ask.page_number(v) for v in (3, 0, -1, True, 2.0, "2", None, [1])] == [
        3,
        1,
        1,
        1,
        1,
        1,
        1,
        1,
    ]
    # A huge page number stays a database integer (and shows the last page).
    assert directory_ask.page_number(10**40) <= 2**31 - 1


def test_the_typed_search_is_kept_as_typed_or_refused(db, program):
    assert directory_ask.typed_query("data eng ") == "data eng "
    for value in ("x" * (directory_ask.QUERY_MAX + 1), ["x"], {"x": 1}, 5, "<reflex.Var>"):
        with pytest.raises(Refused):
            directory_ask.typed_query(value)


def test_a_search_reads_each_part_it_is_given_and_defaults_the_rest(db, program):
    asked = directory_ask.read_ask(db, program.id, {"query": "data", "page": 3})
    assert asked == directory_ask.Ask(query="data", page=3)
    assert directory_ask.read_ask(db, program.id, {}) == directory_ask.Ask()
    # A part that is not one of the search's is a mistake in the caller, not a search.
    with pytest.raises(TypeError, match="no part called pages"):
        directory_ask.read_ask(db, program.id, {"query": "data", "pages": 3})
    with pytest.raises(Refused):
        directory_ask.read_ask(db, program.id, {"sort": "salary"})


def test_filter_lists_are_remembered_for_a_minute(db, program, people, monkeypatch):
    directory.forget_recent_facets()
    clock = iter([1000.0, 1030.0, 1061.0, 1061.0])
    # Only this module's clock: the pool's idle check reads the real one.
    monkeypatch.setattr(directory, "monotonic", lambda: next(clock))
    program_id = program.id
    before = directory.recent_facet(db, program_id=program_id, column="department")
    assert "Research" not in before
    make_person(db, program, "Rita Research", department="Research")
    # Thirty seconds later the list is the one read before (no index walk).
    assert directory.recent_facet(db, program_id=program_id, column="department") == before
    # Past a minute it is read again, and shows the new department.
    after = directory.recent_facet(db, program_id=program_id, column="department")
    assert "Research" in after
    assert after == directory.facet(db, program_id=program_id, column="department")
    directory.forget_recent_facets()
