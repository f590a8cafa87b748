import pytest
from django.test import RequestFactory

from issues.pagination import paginate_known


def page_of(query, total, per_page=20):
    asked = []

    def rows_of(offset, limit):
        asked.append((offset, limit))
        return list(range(offset, min(offset + limit, total)))

    page = paginate_known(RequestFactory().get("/", query), total, per_page, rows_of)
    return page, asked


@pytest.mark.parametrize(
    ("query", "number", "asked"),
    [
        ({}, 1, [(0, 20)]),
        ({"page": "2"}, 2, [(20, 20)]),
        ({"page": "3"}, 3, [(40, 20)]),
        ({"page": "90000000000"}, 3, [(40, 20)]),  # past the end: the last page
        ({"page": "0"}, 1, [(0, 20)]),
        ({"page": "-4"}, 1, [(0, 20)]),
        ({"page": "two"}, 1, [(0, 20)]),
    ],
)
def test_a_list_of_known_length_loads_only_the_requested_page(query, number, asked):
    page, loaded = page_of(query, 45)
    assert loaded == asked
    assert page.number == number and page.paginator.count == 45 and page.paginator.num_pages == 3
    assert list(page.object_list) == list(range((number - 1) * 20, min(number * 20, 45)))
    assert page.start_index() == (number - 1) * 20 + 1


def test_an_empty_list_is_one_empty_page_loading_nothing():
    page, loaded = page_of({"page": "5"}, 0)
    assert loaded == [] and page.number == 1 and list(page.object_list) == []
    assert not page.has_other_pages()
