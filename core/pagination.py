"""One page of a list, the way every list page shows it (templates/includes/pagination.html)."""

from django.core.paginator import Paginator

# What a list page shows at once when it has no reason to choose otherwise.
LIST_PAGE_SIZE = 50


def list_page(items, *, page_number, per_page: int | None = None) -> dict:
    """The context a list page needs: `page_obj` (its rows in `page_obj.object_list`) and the
    elided `page_range`; a page number out of range gives the last page, garbage the first.
    `per_page` defaults to LIST_PAGE_SIZE."""
    paginator = Paginator(items, per_page or LIST_PAGE_SIZE)
    page = paginator.get_page(page_number)
    return {
        "page_obj": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
    }
