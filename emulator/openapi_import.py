"""PutRestApi (PUT /restapis/{id}): import an OpenAPI 3.0 / Swagger 2.0 document into an API.

MiniStack has no PutRestApi, which Terraform's aws_api_gateway_rest_api calls to import an
OpenAPI ``body``. This module adds exactly that operation, with the ``overwrite`` and ``merge``
modes AWS documents, built from MiniStack's own control-plane primitives so that the imported API
behaves like one built call by call.

Imports follow AWS's documented import rules where MiniStack is more lenient: root-level
``security`` is ignored ("API Gateway doesn't use root level security defined in the OpenAPI
specification"; MiniStack's own importer gets the same rule in patches/root_security.py), and what
AWS reports as an import warning (an inline primitive method-response schema, a model name that is
not alphanumeric, a reference to a missing model) fails an import sent with
``failonwarnings=true``, as Terraform's ``fail_on_warnings = true`` sends it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml

from emulator.ministack_internals import Response, apigateway_v1

# Everything the importer touches inside ministack.services.apigateway_v1.
INTERNALS = (
    "_rest_apis",
    "_resources",
    "_models",
    "_request_validators",
    "_authorizers_v1",
    "_gateway_responses",
    "_qp",
    "_v1_error",
    "_get_rest_api",
    "_create_resource",
    "_put_method",
    "_put_method_response",
    "_put_integration",
    "_put_integration_response",
    "_create_model",
    "_create_request_validator",
    "_put_gateway_response",
    "_import_security_schemes",
    "_method_security",
)

_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "x-amazon-apigateway-any-method")
_PARAMETER_LOCATIONS = {"query": "querystring", "header": "header", "path": "path"}
_MODEL_REF_PREFIXES = ("#/components/schemas/", "#/definitions/")


def put_rest_api(api_id: str, body: bytes | str, query_params: dict[str, Any]) -> Response:
    """PutRestApi: import an OpenAPI 3.0 / Swagger 2.0 document (JSON or YAML) into an existing API."""
    v1 = apigateway_v1()
    refusal = _refused_parameters(v1, api_id, query_params)
    if refusal is not None:
        return refusal
    try:
        spec = _parse_document(body)
    except ValueError as err:
        return _error(v1, "BadRequestException", f"Invalid OpenAPI definition: {err}", 400)
    warnings = import_warnings(spec)
    # AWS: "If a warning occurs, the operation will continue if the failonwarnings=false query
    # expression is appended to the request URL. Otherwise, the updates will be rolled back. [...]
    # warnings are returned as a field in the resulting RestApi resource. Otherwise, warnings are
    # returned as a message in the exception."
    if warnings and str(v1._qp(query_params, "failonwarnings") or "false").lower() == "true":
        message = "Warnings found during import:\n" + "\n".join(warnings)
        return _error(v1, "BadRequestException", message, 400)

    if (v1._qp(query_params, "mode") or "merge").lower() == "overwrite":
        _clear_definition(v1, api_id)
    _import_api_settings(v1, api_id, spec)
    _import_models(v1, api_id, spec)
    validators = _import_request_validators(v1, api_id, spec)
    context = _ImportContext(v1, api_id, spec, v1._import_security_schemes(api_id, spec), validators)
    for path, path_item in spec["paths"].items():
        resource_id = _ensure_resource(v1, api_id, path)
        for method, operation in path_item.items():
            if method.lower() in _HTTP_METHODS:
                _import_operation(context, resource_id, method, operation or {}, path_item)
    _import_gateway_responses(v1, api_id, spec)
    status, headers, api_body = v1._get_rest_api(api_id)
    if warnings:
        api_body = json.dumps({**json.loads(api_body), "warnings": warnings}).encode()
    return status, headers, api_body


def _error(v1: Any, code: str, message: str, status: int) -> Response:
    """MiniStack's API Gateway error answer, as AWS shapes it."""
    error: Response = v1._v1_error(code, message, status)
    return error


def _refused_parameters(v1: Any, api_id: str, query_params: dict[str, Any]) -> Response | None:
    """The error answer for an unknown API or import parameters the layer does not implement."""
    if api_id not in v1._rest_apis:
        return _error(v1, "NotFoundException", "Invalid API identifier specified", 404)
    mode = (v1._qp(query_params, "mode") or "merge").lower()
    if mode not in ("merge", "overwrite"):
        return _error(v1, "BadRequestException", f"Invalid mode: {mode}; use merge or overwrite", 400)
    basepath = v1._qp(query_params, "basepath")  # the SDK sends import parameters as query keys
    if basepath not in (None, "ignore"):
        return _error(
            v1,
            "BadRequestException",
            f"basepath={basepath} is not supported by the emulator compat layer",
            400,
        )
    return None


# ---- Import warnings (AWS reports these; failonwarnings=true rolls the import back) ----

_PRIMITIVE_TYPES = frozenset({"string", "number", "integer", "boolean"})


def import_warnings(spec: dict[str, Any]) -> list[str]:
    """What AWS's importer warns about in this document, of the rules the project relies on.

    - "Model names can only contain alphanumeric characters."
    - "In method responses, schema definition must be of an object type and cannot be of
      primitive types. For example, "schema": { "type": "string"} is not supported."
    - A missing model reference (the warning AWS names as its example of one).
    """
    schemas = _schemas(spec)
    warnings = [
        f"Model name '{name}' is invalid: model names can only contain alphanumeric characters"
        for name in schemas
        if not str(name).isalnum() or not str(name).isascii()
    ]
    for path, path_item in spec["paths"].items():
        for method, operation in (path_item or {}).items():
            if method.lower() not in _HTTP_METHODS:
                continue
            for status, raw in ((operation or {}).get("responses") or {}).items():
                response = _resolve(spec, raw) or {}
                for content_type, media in (response.get("content") or {}).items():
                    schema = (media or {}).get("schema") or {}
                    where = f"{method.upper()} {path} {status} {content_type}"
                    warnings.extend(_response_schema_warnings(schema, schemas, where))
    return warnings


def _response_schema_warnings(schema: dict[str, Any], schemas: dict[str, Any], where: str) -> list[str]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = _model_name(ref)
        if name is None or name not in schemas:
            return [f"{where}: the response references a missing model ({ref})"]
        return []
    if schema.get("type") in _PRIMITIVE_TYPES:
        return [f"{where}: a method response schema of primitive type '{schema['type']}' is not supported"]
    return []


def _parse_document(body: bytes | str) -> dict[str, Any]:
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    try:
        spec = yaml.safe_load(text)  # YAML is a superset of JSON: one parser for both forms
    except yaml.YAMLError as err:
        raise ValueError("the body is neither JSON nor YAML") from err
    if not isinstance(spec, dict) or not ("openapi" in spec or "swagger" in spec):
        raise ValueError("the document has no 'openapi' or 'swagger' version field")
    if not isinstance(spec.get("paths"), dict):
        raise ValueError("the document has no 'paths' object")  # noqa: TRY004  reported as a 400
    return spec


def _clear_definition(v1: Any, api_id: str) -> None:
    """Overwrite mode: the API keeps its id, stages and deployments; its definition starts empty."""
    resources = v1._resources[api_id]
    for resource_id, resource in list(resources.items()):
        if resource.get("path") == "/":
            resource["resourceMethods"] = {}
        else:
            del resources[resource_id]
    v1._models[api_id] = {}
    v1._request_validators[api_id] = {}
    v1._authorizers_v1[api_id] = {}
    v1._gateway_responses[api_id] = {}


def _import_api_settings(v1: Any, api_id: str, spec: dict[str, Any]) -> None:
    api = v1._rest_apis[api_id]
    info = spec.get("info") or {}
    if info.get("title"):
        api["name"] = str(info["title"])
    if info.get("version"):
        api["version"] = str(info["version"])
    if info.get("description"):
        api["description"] = str(info["description"])
    if "x-amazon-apigateway-binary-media-types" in spec:
        api["binaryMediaTypes"] = list(spec["x-amazon-apigateway-binary-media-types"] or [])
    if "x-amazon-apigateway-api-key-source" in spec:
        api["apiKeySource"] = str(spec["x-amazon-apigateway-api-key-source"]).upper()
    if "x-amazon-apigateway-minimum-compression-size" in spec:
        api["minimumCompressionSize"] = spec["x-amazon-apigateway-minimum-compression-size"]
    if "x-amazon-apigateway-policy" in spec:
        api["policy"] = json.dumps(spec["x-amazon-apigateway-policy"])


def _schemas(spec: dict[str, Any]) -> dict[str, Any]:
    schemas = spec.get("definitions") or (spec.get("components") or {}).get("schemas") or {}
    return schemas if isinstance(schemas, dict) else {}


def _model_name(ref: str) -> str | None:
    for prefix in _MODEL_REF_PREFIXES:
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return None


def _model_schema(api_id: str, schema: Any) -> Any:
    """A schema with document-local refs rewritten to model URLs, as API Gateway stores them."""
    if isinstance(schema, dict):
        rewritten = {key: _model_schema(api_id, value) for key, value in schema.items()}
        ref = schema.get("$ref")
        name = _model_name(ref) if isinstance(ref, str) else None
        if name is not None:
            rewritten["$ref"] = f"https://apigateway.amazonaws.com/restapis/{api_id}/models/{name}"
        return rewritten
    if isinstance(schema, list):
        return [_model_schema(api_id, item) for item in schema]
    return schema


def _import_models(v1: Any, api_id: str, spec: dict[str, Any]) -> None:
    for name, schema in _schemas(spec).items():
        v1._create_model(
            api_id,
            {
                "name": name,
                "contentType": "application/json",
                "schema": json.dumps(_model_schema(api_id, schema)),
            },
        )


def _import_request_validators(v1: Any, api_id: str, spec: dict[str, Any]) -> dict[str, str]:
    """Validators by name -> id; in merge mode a validator of the same name is updated in place."""
    existing = {validator["name"]: validator for validator in v1._request_validators.get(api_id, {}).values()}
    ids: dict[str, str] = {}
    for name, settings in (spec.get("x-amazon-apigateway-request-validators") or {}).items():
        fields = {
            "validateRequestBody": bool((settings or {}).get("validateRequestBody", False)),
            "validateRequestParameters": bool((settings or {}).get("validateRequestParameters", False)),
        }
        if name in existing:
            existing[name].update(fields)
            ids[name] = existing[name]["id"]
        else:
            _status, _headers, body = v1._create_request_validator(api_id, {"name": name, **fields})
            ids[name] = json.loads(body)["id"]
    return ids


def _ensure_resource(v1: Any, api_id: str, path: str) -> str:
    resources = v1._resources[api_id]
    resource_id = next(rid for rid, res in resources.items() if res.get("path") == "/")
    for segment in [part for part in path.strip("/").split("/") if part]:
        child = next(
            (
                rid
                for rid, res in resources.items()
                if res.get("parentId") == resource_id and res.get("pathPart") == segment
            ),
            None,
        )
        if child is None:
            _status, _headers, body = v1._create_resource(api_id, resource_id, {"pathPart": segment})
            child = json.loads(body)["id"]
        resource_id = child
    return str(resource_id)


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow a document-local $ref (parameters, request bodies, responses)."""
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            key = part.replace("~1", "/").replace("~0", "~")
            target = target.get(key) if isinstance(target, dict) else None
        node = target
    return node


def _request_parameters(
    spec: dict[str, Any], path_item: dict[str, Any], operation: dict[str, Any]
) -> dict[str, bool]:
    parameters: dict[str, bool] = {}
    for raw in [*(path_item.get("parameters") or []), *(operation.get("parameters") or [])]:
        parameter = _resolve(spec, raw) or {}
        location = _PARAMETER_LOCATIONS.get(parameter.get("in", ""))
        if location and parameter.get("name"):
            required = bool(parameter.get("required", False))
            parameters[f"method.request.{location}.{parameter['name']}"] = required
    return parameters


def _request_models(spec: dict[str, Any], operation: dict[str, Any]) -> dict[str, str]:
    models: dict[str, str] = {}
    body = _resolve(spec, operation.get("requestBody")) or {}
    for content_type, media in (body.get("content") or {}).items():
        ref = ((media or {}).get("schema") or {}).get("$ref")
        name = _model_name(ref) if isinstance(ref, str) else None
        if name:
            models[content_type] = name
    for parameter in operation.get("parameters") or []:  # Swagger 2.0 body parameter
        resolved = _resolve(spec, parameter) or {}
        ref = (resolved.get("schema") or {}).get("$ref") if resolved.get("in") == "body" else None
        name = _model_name(ref) if isinstance(ref, str) else None
        if name:
            models["application/json"] = name
    return models


@dataclass(frozen=True)
class _ImportContext:
    v1: Any
    api_id: str
    spec: dict[str, Any]
    scheme_map: dict[str, Any]
    validators: dict[str, str]


def _import_operation(
    context: _ImportContext,
    resource_id: str,
    method: str,
    operation: dict[str, Any],
    path_item: dict[str, Any],
) -> None:
    v1, api_id, spec, validators = context.v1, context.api_id, context.spec, context.validators
    http_method = "ANY" if method.lower() == "x-amazon-apigateway-any-method" else method.upper()
    # "API Gateway doesn't use root level security defined in the OpenAPI specification. Hence
    # security needs to be defined at an operation level to be appropriately applied."
    security = operation.get("security")
    method_data = v1._method_security(security, context.scheme_map)
    method_data["operationName"] = operation.get("operationId", "")
    method_data["requestParameters"] = _request_parameters(spec, path_item, operation)
    method_data["requestModels"] = _request_models(spec, operation)
    validator_name = operation.get("x-amazon-apigateway-request-validator") or spec.get(
        "x-amazon-apigateway-request-validator"
    )
    if validator_name in validators:
        method_data["requestValidatorId"] = validators[validator_name]
    v1._put_method(api_id, resource_id, http_method, method_data)

    for status, raw in (operation.get("responses") or {}).items():
        if not str(status).isdigit():
            continue
        response = _resolve(spec, raw) or {}
        v1._put_method_response(
            api_id,
            resource_id,
            http_method,
            str(status),
            {
                "responseParameters": {
                    f"method.response.header.{name}": False for name in (response.get("headers") or {})
                },
                "responseModels": {
                    content_type: name
                    for content_type, media in (response.get("content") or {}).items()
                    if (name := _model_name(((media or {}).get("schema") or {}).get("$ref") or ""))
                },
            },
        )

    integration = operation.get("x-amazon-apigateway-integration")
    if not integration:
        return
    data = {
        "type": str(integration.get("type", "")).upper(),
        "httpMethod": integration.get("httpMethod"),
        "uri": integration.get("uri", ""),
        "passthroughBehavior": str(integration.get("passthroughBehavior", "when_no_match")).upper(),
        "timeoutInMillis": int(integration.get("timeoutInMillis", 29000)),
        "requestParameters": integration.get("requestParameters") or {},
        "requestTemplates": integration.get("requestTemplates") or {},
        "credentials": integration.get("credentials"),
        "contentHandling": integration.get("contentHandling"),
        "cacheKeyParameters": integration.get("cacheKeyParameters") or [],
    }
    if integration.get("connectionType"):
        data["connectionType"] = str(integration["connectionType"]).upper()
    v1._put_integration(api_id, resource_id, http_method, data)
    for pattern, response in (integration.get("responses") or {}).items():
        v1._put_integration_response(
            api_id,
            resource_id,
            http_method,
            str((response or {}).get("statusCode", "200")),
            {
                "selectionPattern": None if pattern == "default" else pattern,
                "responseParameters": (response or {}).get("responseParameters") or {},
                "responseTemplates": (response or {}).get("responseTemplates") or {},
                "contentHandling": (response or {}).get("contentHandling"),
            },
        )


def _import_gateway_responses(v1: Any, api_id: str, spec: dict[str, Any]) -> None:
    for response_type, response in (spec.get("x-amazon-apigateway-gateway-responses") or {}).items():
        v1._put_gateway_response(
            api_id,
            response_type,
            {
                "statusCode": (response or {}).get("statusCode"),
                "responseParameters": (response or {}).get("responseParameters") or {},
                "responseTemplates": (response or {}).get("responseTemplates") or {},
            },
        )
