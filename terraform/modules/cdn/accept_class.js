// Viewer-request function of the share-link behaviour: the viewer's Accept becomes one of three
// canonical values, by the rule functions/image_service/negotiation.py applies (tests/contract/
// test_cdn_accept_class.py runs both on the same headers) (types the header
// names with q > 0; image/* and */* name neither): the cache keys on it, so a link is kept at
// most three times (AVIF, WebP, neither), and the origin negotiates from it as from the original.
// Every value ends in */*: API Gateway still answers the function's bytes as binary.
function handler(event) {
  var request = event.request;
  var header = request.headers.accept ? request.headers.accept.value : "";
  var named = {};
  header.split(",").forEach(function (part) {
    var pieces = part.split(";");
    var media = pieces[0].trim().toLowerCase();
    var quality = 1;
    for (var index = 1; index < pieces.length; index += 1) {
      var pair = pieces[index].split("=");
      if (pair[0].trim().toLowerCase() === "q") {
        quality = Number(pair.slice(1).join("=").trim());
        if (isNaN(quality) || pair.length < 2 || pair[1].trim() === "") quality = 0;
      }
    }
    if (media && quality > 0) named[media] = true;
  });
  var value = named["image/avif"] ? "image/avif,*/*" : named["image/webp"] ? "image/webp,*/*" : "*/*";
  request.headers.accept = { value: value };
  return request;
}
if (typeof module !== "undefined") module.exports = { handler: handler };
