"""A JSON serializer format ("exactjson") that keeps datetimes to the microsecond, for backups.

Django's own JSON encoder rounds times to milliseconds; a restored site must be the same site.
"""

import datetime

from django.core.serializers.json import Deserializer, DjangoJSONEncoder, Serializer as JSONSerializer

__all__ = ["Deserializer", "Serializer"]


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self):
        super()._init_options()
        self.json_kwargs["cls"] = ExactEncoder
