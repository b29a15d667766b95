"""OpenAPI links: what an answer names, and where a client goes next with it.

Three rules over the paths, so that every object is linked the same way:

- a list's first item and a created object lead to the operations on that object
  (`GET /engagements` → `GET /engagements/{engagement_id}` with `items/0/id`; `POST
  /engagements` → `GET`/`PATCH /engagements/{engagement_id}` with the new `id`);
- reading a versioned object leads to its changes, its transitions and the children added
  under it, with the ETag read as `If-Match`;
- a created versioned object leads to its changes with its new ETag as `If-Match`.

Schemathesis's stateful phase follows these links, so its scenarios reach real objects.
"""

import re
from typing import Any

PARAMETER = re.compile(r"\{(\w+)\}")
# Path parameters a link never supplies: the trigger of a transition is the client's choice.
CHOSEN = {"trigger"}


def add_links(schema: dict[str, Any]) -> None:
    """Add the links of every operation to its success response."""
    paths: dict[str, dict[str, Any]] = schema.get("paths", {})
    objects = _object_paths(paths)
    for path, item in paths.items():
        for method, operation in item.items():
            status, response = _success(operation)
            if response is None:
                continue
            links = _item_links(schema, paths, objects, path, method, status, response)
            links.update(_read_links(paths, objects, path, method, response))
            if links:
                response["links"] = dict(sorted(links.items()))


def _object_paths(paths: dict[str, Any]) -> dict[str, set[str]]:
    """Paths of single objects (`/api/v1/audits/{audit_id}`, `/api/v1/lots/{lot_id}`) by the
    collection they belong to (`audits`, `lots`), whether or not the object path itself has
    an operation."""
    found: dict[str, set[str]] = {}
    for path in paths:
        parts = path.split("/")
        for index in range(2, len(parts)):
            if re.fullmatch(r"\{\w+_id\}", parts[index]) and "{" not in parts[index - 1]:
                found.setdefault(parts[index - 1], set()).add("/".join(parts[: index + 1]))
    return found


def _success(operation: dict[str, Any]) -> tuple[str, dict[str, Any] | None]:
    for status, response in operation.get("responses", {}).items():
        if status.startswith("2"):
            return status, response
    return "", None


def _item_links(
    schema: dict[str, Any],
    paths: dict[str, Any],
    objects: dict[str, set[str]],
    path: str,
    method: str,
    status: str,
    response: dict[str, Any],
) -> dict[str, dict[str, Any]]:
    """From a list (its first item) or a creation (the new object) to the object's
    operations; a creation's ETag is the If-Match of its changes."""
    body = _resolve(schema, response.get("content", {}).get("application/json", {}).get("schema"))
    properties = body.get("properties", {}) if body else {}
    if method == "get" and "items" in properties and "next_cursor" in properties:
        source = "$response.body#/items/0/id"
    elif method == "post" and status == "201" and "id" in properties:
        source = "$response.body#/id"
    else:
        return {}
    etag = "$response.header.ETag" if method == "post" and _has_etag(response) else None
    links: dict[str, dict[str, Any]] = {}
    for prefix in sorted(objects.get(path.split("/")[-1], set())):
        own = PARAMETER.findall(prefix)[-1]
        given = set(PARAMETER.findall(path)) | {own}
        for operation, names in _operations_under(paths, prefix, given, include_prefix=True):
            parameters = {f"path.{name}": f"$request.path.{name}" for name in names}
            parameters[f"path.{own}"] = source
            if _add_if_match(operation, parameters, etag):
                links[operation["operationId"]] = _link(operation, parameters)
    return links


def _read_links(
    paths: dict[str, Any],
    objects: dict[str, set[str]],
    path: str,
    method: str,
    response: dict[str, Any],
) -> dict[str, dict[str, Any]]:
    """From reading an object to the operations on it and under it, its ETag as If-Match."""
    if method != "get" or path not in {prefix for group in objects.values() for prefix in group}:
        return {}
    etag = "$response.header.ETag" if _has_etag(response) else None
    links: dict[str, dict[str, Any]] = {}
    given = set(PARAMETER.findall(path))
    for operation, names in _operations_under(paths, path, given, include_prefix=False):
        parameters = {f"path.{name}": f"$request.path.{name}" for name in names}
        if _add_if_match(operation, parameters, etag):
            links[operation["operationId"]] = _link(operation, parameters)
    for target_method, operation in paths[path].items():
        parameters = {f"path.{name}": f"$request.path.{name}" for name in sorted(given)}
        if target_method != "get" and etag and _add_if_match(operation, parameters, etag):
            links[operation["operationId"]] = _link(operation, parameters)
    return links


def _operations_under(
    paths: dict[str, Any], prefix: str, given: set[str], include_prefix: bool
) -> list[tuple[dict[str, Any], list[str]]]:
    """The operations at the prefix (if asked) and below it whose path parameters are all
    given (a trigger is the client's choice), each with the parameters a link fills."""
    found = []
    for target, item in paths.items():
        below = target.startswith(prefix + "/") or (include_prefix and target == prefix)
        names = [name for name in PARAMETER.findall(target) if name not in CHOSEN]
        if below and set(names) <= given:
            found += [(operation, names) for operation in item.values()]
    return found


def _add_if_match(operation: dict[str, Any], parameters: dict[str, str], etag: str | None) -> bool:
    """Give the link the ETag as If-Match where the target takes it; False when the target
    takes one and there is no ETag to give."""
    if not _takes_if_match(operation):
        return True
    if etag is None:
        return False
    parameters["header.If-Match"] = etag
    return True


def _has_etag(response: dict[str, Any]) -> bool:
    return "ETag" in response.get("headers", {})


def _takes_if_match(operation: dict[str, Any]) -> bool:
    return any(
        parameter["in"] == "header" and parameter["name"] == "If-Match"
        for parameter in operation.get("parameters", [])
    )


def _link(operation: dict[str, Any], parameters: dict[str, str]) -> dict[str, Any]:
    return {"operationId": operation["operationId"], "parameters": parameters}


def _resolve(schema: dict[str, Any], node: dict[str, Any] | None) -> dict[str, Any] | None:
    """A response schema with its `$ref` followed (one level is all the routes use)."""
    if not node or "$ref" not in node:
        return node
    name = node["$ref"].rsplit("/", 1)[-1]
    resolved: dict[str, Any] = schema.get("components", {}).get("schemas", {}).get(name, {})
    return resolved
