// Viewer-request function of the distribution's default behaviour. Only the share-link route
// (/v1/shared/*) reaches the API; every other path is answered here, at the edge, with an empty
// 404, so it costs neither an API Gateway request nor a Lambda invocation, and no request with
// an API key is ever forwarded (the authenticated routes stay on the API's own URL).
function handler(event) {
  return {
    statusCode: 404,
    statusDescription: "Not Found",
    headers: { "cache-control": { value: "no-store" } },
  };
}
