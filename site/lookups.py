"""`__in` on integer fields leaves out values that no row of the column can hold.

Django already turns `exact`, `gt`, `gte`, `lt` and `lte` with an out-of-range integer into
"no rows" or "all rows" (`IntegerFieldOverflow`), but `in` still hands every value to the
database driver, and SQLite's raises OverflowError for an integer beyond 64 bits. Forms pass
posted ids to `__in` themselves (ModelMultipleChoiceField, in the site's forms and in the
admin), so `themes=99999999999999999999` on a profile would be a server error instead of
"Select a valid choice". Registered from `PortalConfig.ready()`.
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
