"""The absolute URL of a share link (pure: the request's facts in, a URL out).

By default, the base is where the request came in: API Gateway's requestContext gives the domain
(`domainName`: the execute-api host, or a custom domain) and the path as the client sent it
(`path`: the stage, or a custom domain's base path, then the resource path), so the base is
`https://<domainName><path without the resource path>`. Two settings replace it:

- the stage variable `linkBaseUrl` (Terraform sets it on the stage, e.g. to a CDN's URL: the
  stage may depend on a CDN that depends on the API, where the functions may not), first;
- LINK_BASE_URL (Terraform's `link_base_url`), where `{host}`, `{api_id}` and `{stage}` stand
  for the request's Host header, the API id and the stage (the emulator's URLs have the shape
  `http://{host}/restapis/{api_id}/{stage}/_user_request_`, which no request field gives)."""

from collections.abc import Mapping

from image_service import contract

STAGE_VARIABLE = "linkBaseUrl"


def base_url(
    *,
    stage_variables: Mapping[str, str] | None,
    configured: str | None,
    host: str | None,
    domain_name: str | None,
    api_id: str | None,
    stage: str | None,
    request_path: str | None,
    resource_path: str,
) -> str:
    """The base share links start with (no trailing slash)."""
    staged = (stage_variables or {}).get(STAGE_VARIABLE)
    if staged:
        return staged.rstrip("/")
    if configured:
        return (
            configured.replace("{host}", host or "")
            .replace("{api_id}", api_id or "")
            .replace("{stage}", stage or "")
            .rstrip("/")
        )
    domain = domain_name or host or ""
    if request_path and request_path.endswith(resource_path):
        prefix = request_path[: len(request_path) - len(resource_path)]
    else:
        prefix = f"/{stage}" if stage else ""
    return f"https://{domain}{prefix.rstrip('/')}"


def share_url(base: str, token: str) -> str:
    return f"{base}{contract.SHARED_PATH}{token}"
