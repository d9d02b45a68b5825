"""Request bodies decoded strictly, with every bad field reported at once.

Litestar converts bodies with ``strict=False`` (``"1"`` becomes ``1``, ``0`` becomes
``False``) and msgspec stops at the first error. :class:`StrictRequest` (the app's
``request_class``) checks the JSON body against the handler's ``data`` type first:

* malformed JSON, invalid UTF-8 and absurd nesting are ``400 invalid_json``;
* a NUL character in any string is refused (PostgreSQL cannot store it);
* types are checked strictly (no string-to-number or number-to-bool coercion);
* every bad field is listed, each with a reason a person can read.

When the body passes, Litestar's own conversion then yields the same values.
"""

from __future__ import annotations

import re
import types
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

import msgspec
from litestar import Request
from litestar.types import Empty

from bazaar.sdk.errors import BazaarError, FieldProblem, ValidationFailed

MAX_DEPTH = 32


class InvalidJson(BazaarError):
    code = "invalid_json"
    status = 400
    title = "Malformed JSON body"


def _depth_ok(raw: bytes) -> bool:
    """Whether brackets nest at most MAX_DEPTH deep (strings skipped); cheap, before decoding."""
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def decode_body(raw: bytes) -> Any:
    """JSON bytes to builtins, or ``400 invalid_json`` naming what is wrong."""
    if not _depth_ok(raw):
        raise InvalidJson(f"the body nests deeper than {MAX_DEPTH} levels")
    try:
        return msgspec.json.decode(raw or b"null")
    except UnicodeDecodeError:
        raise InvalidJson("the body is not valid UTF-8") from None
    except (msgspec.DecodeError, RecursionError) as exc:
        raise InvalidJson(f"the body is not valid JSON: {exc}") from None


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


_KIND = {int: "an integer", float: "a number", str: "a string", bool: "true or false",
         list: "an array", dict: "an object", type(None): "null"}


def _describe(value: Any) -> str:
    for kind, text in _KIND.items():
        if type(value) is kind:
            return text
    return type(value).__name__


def _humanize(message: str, tp: Any, value: Any) -> str:
    """A reason a person can read from a msgspec message."""
    message = re.sub(r" - at `\$.*?`", "", message)
    if m := re.match(r"Expected `(\w+)`, got `(\w+)`", message):
        want = {"int": "an integer", "str": "a string", "bool": "true or false", "float": "a number",
                "object": "an object", "array": "an array", "null": "null"}.get(m.group(1), m.group(1))
        return f"must be {want}, not {_describe(value)}"
    if m := re.match(r"Expected `\w+` (>=|<=|>|<) (-?[\d.]+)", message):
        words = {">=": "at least", "<=": "at most", ">": "greater than", "<": "less than"}
        return f"must be {words[m.group(1)]} {m.group(2)}"
    if m := re.match(r"Expected `(\w+)` of length (>=|<=) (\d+)", message):
        unit = "characters" if m.group(1) == "str" else "items"
        return f"must have {'at least' if m.group(2) == '>=' else 'at most'} {m.group(3)} {unit}"
    if "matching regex" in message:
        return "has the wrong format"
    if message.startswith("Invalid enum value"):
        options = _options(tp)
        return f"must be one of: {', '.join(options)}" if options else "is not an allowed value"
    return message


def _options(tp: Any) -> list[str]:
    tp = _strip(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return [str(m.value) for m in tp]
    if get_origin(tp) is Literal:
        return [str(a) for a in get_args(tp)]
    return []


def _strip(tp: Any) -> Any:
    """The type under ``Annotated[...]``."""
    while get_origin(tp) is not None and hasattr(tp, "__metadata__"):
        tp = get_args(tp)[0]
    return tp


def _struct_of(tp: Any) -> type[msgspec.Struct] | None:
    """The Struct type of ``tp`` or of ``tp | None``."""
    tp = _strip(tp)
    if isinstance(tp, type) and issubclass(tp, msgspec.Struct):
        return tp
    if get_origin(tp) in (Union, types.UnionType):
        structs = [a for a in get_args(tp) if isinstance(a, type) and issubclass(a, msgspec.Struct)]
        if len(structs) == 1:
            return structs[0]
    return None


def problems(value: Any, tp: Any, path: str = "") -> list[FieldProblem]:
    """Every problem of ``value`` against ``tp`` (empty when it converts strictly)."""
    try:
        msgspec.convert(value, tp, strict=True)
        return []
    except msgspec.ValidationError as exc:
        message = str(exc)
    struct = _struct_of(tp)
    if struct is not None and isinstance(value, dict):
        found: list[FieldProblem] = []
        fields = {f.encode_name: f for f in msgspec.structs.fields(struct)}
        if struct.__struct_config__.forbid_unknown_fields:
            found += [FieldProblem(field=_join(path, k), reason="unknown field") for k in value if k not in fields]
        for name, field in fields.items():
            if name not in value:
                if field.required:
                    found.append(FieldProblem(field=_join(path, name), reason="required field missing"))
                continue
            found += problems(value[name], field.type, _join(path, name))
        return found or [FieldProblem(field=path or "body", reason=_humanize(message, tp, value))]
    inner = _strip(tp)
    if get_origin(inner) in (list, tuple, set, frozenset) and isinstance(value, list):
        args = get_args(inner)
        if args and (get_origin(inner) is not tuple or (len(args) == 2 and args[1] is Ellipsis)):
            found = [p for i, item in enumerate(value) for p in problems(item, args[0], _join(path, i))]
            if found:
                return found
    where = re.search(r"at `\$(.*?)`", message)
    where_at = path + (where.group(1) if where else "")
    sub = value
    return [FieldProblem(field=where_at.lstrip(".") or "body", reason=_humanize(message, tp, sub))]


def nul_fields(value: Any, path: str = "") -> list[FieldProblem]:
    """Fields whose strings (keys included) contain a NUL character."""
    if isinstance(value, str):
        return [FieldProblem(field=path or "body", reason="must not contain NUL characters")] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            if "\x00" in key:
                found.append(FieldProblem(field=_join(path, key.replace("\x00", "\\0")), reason="must not contain NUL characters"))
            found += nul_fields(item, _join(path, key))
        return found
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in nul_fields(item, _join(path, i))]
    return []


def check_body(value: Any, tp: Any) -> None:
    """Raise ``422 validation_failed`` listing every bad field of ``value`` against ``tp``."""
    found = [msgspec.structs.replace(p, source="body") for p in (nul_fields(value) or problems(value, tp))]
    if found:
        detail = "; ".join(f"{p.field}: {p.reason}" for p in found)
        raise ValidationFailed(detail, errors=found)


class StrictRequest(Request[Any, Any, Any]):
    """The app's request class: JSON bodies decoded safely and checked strictly (see the module doc)."""

    async def json(self) -> Any:
        if self._json is not Empty:
            return self._json
        value = decode_body(await self.body())
        parameter = self.route_handler.parsed_fn_signature.parameters.get("data")
        if parameter is not None and self.method not in ("GET", "HEAD"):
            check_body(value, parameter.annotation)
        self._json = self._connection_state.json = value
        return value



def query_nul_fields(query_string: bytes) -> list[FieldProblem]:
    """Query parameters whose name or value contains a NUL character (``%00``)."""
    from urllib.parse import parse_qsl

    if b"%00" not in query_string.lower() and b"\x00" not in query_string:
        return []
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return [
        FieldProblem(field=key.replace("\x00", "\\0"), reason="must not contain NUL characters", source="query")
        for key, value in pairs
        if "\x00" in key or "\x00" in value
    ]
