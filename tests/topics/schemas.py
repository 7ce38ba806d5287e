"""JSON schemas of the topic discovery answers, written from the issue's field list: exactly
these fields, with these types (a response with any other field fails)."""

from typing import Any


def _object(**properties: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


INT = {"type": "integer"}
NUMBER = {"type": "number"}
STRING = {"type": "string"}
DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
TOPIC = _object(
    topicId=INT, topicName=STRING, type={"enum": ["b2b", "b2c"]}, industry=STRING, category=STRING
)
META = _object(timestamp=STRING, request_id=STRING)
FIGURES = {
    "uniqueAudience": INT,
    "totalSignals": INT,
    "avgScore": NUMBER,
    "highAudience": INT,
    "mediumAudience": INT,
    "lowAudience": INT,
}


def _envelope(data: dict[str, Any], meta: dict[str, Any] = META) -> dict[str, Any]:
    return _object(data=data, meta=meta)


def _list(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


FACET = _list(_object(value=STRING, count=INT))
BROWSE = _envelope(
    _list(TOPIC),
    _object(
        timestamp=STRING,
        request_id=STRING,
        total=INT,
        page=INT,
        pageSize=INT,
        hasMore={"type": "boolean"},
    ),
)
FACETS = _envelope(_object(types=FACET, industries=FACET, categories=FACET))
SEARCH = _envelope(_list(TOPIC))
TREND = _envelope(
    _list(
        _object(
            date=DATE, topicName=STRING, type=STRING, industry=STRING, category=STRING, **FIGURES
        )
    )
)
COMPARE = _envelope(
    _list(_object(topicId=INT, topicName=STRING, data=_list(_object(date=DATE, **FIGURES))))
)
MOVERS = _envelope(
    _list(
        _object(
            topicId=INT,
            topicName=STRING,
            type=STRING,
            industry=STRING,
            todayAudience=INT,
            yesterdayAudience=INT,
            pctChange=NUMBER,
        )
    )
)
ANALYZE = _envelope(
    _object(
        company={"type": ["string", "null"]},
        summary={"type": ["string", "null"]},
        keywords=_list(STRING),
        topics=_list(
            _object(
                topicId=INT,
                topicName=STRING,
                type=STRING,
                industry=STRING,
                category=STRING,
                similarity={"type": "number", "minimum": 0, "maximum": 1},
                matchedKeyword=STRING,
            )
        ),
    )
)
ERROR = _object(
    error=_object(
        code=STRING, message=STRING, details=_list(_object(field=STRING, message=STRING))
    ),
    meta=META,
)
