"""The customer panel's pages: Django's Paginator, reading pages past the middle backwards.

A company's list of 22,000 tickets sorted by last update has no index to walk in that order
(customer OR company): its last page sorted every ticket and skipped 21,980 of them with their
joined rows. Read from the other end, the last page is the first 20 of the reversed order, as
cheap as the first page; no page skips more than half the list.
"""

from django.core.paginator import Paginator

from tickets.views.agent.paging import rows


class BothEndsPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows(self.object_list, bottom, top, self.count), number, self)
