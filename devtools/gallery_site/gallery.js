// The gallery page: asks its own server for a user's images as share links, and shows each link
// in an <img>. Nothing here knows an API key; the links alone are enough.
"use strict";

const statusLine = document.getElementById("status");
const galleryRoot = document.getElementById("gallery");
const userInput = document.getElementById("user-id");

// What the browser made of each image, for a reader of the page (and the browser test).
window.galleryState = { ready: false, images: 0, links: 0, loaded: 0, broken: 0, placeholders: 0 };

// The image's BlurHash (from its metadata), painted in its aspect ratio where the original will
// be, shown until the original has loaded (and left in place when it fails).
function placeholder(image, img) {
  if (!image.placeholder || !image.width || !image.height) return null;
  const canvas = document.createElement("canvas");
  canvas.className = "placeholder";
  canvas.width = 32;
  canvas.height = Math.max(1, Math.round((32 * image.height) / image.width));
  canvas.style.aspectRatio = `${image.width} / ${image.height}`;
  const context = canvas.getContext("2d");
  const pixels = blurhashPixels(image.placeholder, canvas.width, canvas.height);
  context.putImageData(new ImageData(pixels, canvas.width, canvas.height), 0, 0);
  img.addEventListener("load", () => { canvas.hidden = true; });
  window.galleryState.placeholders += 1;
  return canvas;
}

function shareImage(link, label, className) {
  const img = document.createElement("img");
  img.src = link.url;
  img.alt = label;
  img.title = `${label}, link valid until ${link.expires_at}`;
  img.loading = "eager";
  img.decoding = "async";
  // Cross-origin mode: the link answers Access-Control-Allow-Origin, so a canvas could read it.
  img.crossOrigin = "anonymous";
  img.referrerPolicy = "no-referrer";
  img.dataset.label = label;
  if (className) img.className = className;
  img.addEventListener("load", () => { window.galleryState.loaded += 1; });
  img.addEventListener("error", () => {
    img.classList.add("broken");
    window.galleryState.broken += 1;
  });
  window.galleryState.links += 1;
  return img;
}

function card(image, presets) {
  const section = document.createElement("section");
  section.className = "card";
  section.dataset.imageId = image.image_id;
  const title = document.createElement("h2");
  title.textContent = image.image_name || image.image_id;
  const original = shareImage(image.original, "original", "original");
  const frame = document.createElement("div");
  frame.className = "frame";
  const painted = placeholder(image, original);
  if (painted) frame.append(painted);
  frame.append(original);
  section.append(title, frame);
  const row = document.createElement("div");
  row.className = "presets";
  for (const name of presets) {
    const figure = document.createElement("figure");
    const caption = document.createElement("figcaption");
    caption.textContent = name;
    figure.append(shareImage(image.presets[name], name, "preset"), caption);
    row.append(figure);
  }
  const expires = document.createElement("p");
  expires.className = "expires";
  expires.textContent = `links valid until ${image.original.expires_at}`;
  section.append(row, expires);
  return section;
}

async function show(userId) {
  statusLine.textContent = `loading ${userId}'s images...`;
  statusLine.classList.remove("error");
  galleryRoot.replaceChildren();
  const response = await fetch(`gallery.json?user_id=${encodeURIComponent(userId)}`);
  const document_ = await response.json();
  if (!response.ok) {
    statusLine.textContent = document_.error || `the server answered ${response.status}`;
    statusLine.classList.add("error");
    window.galleryState.ready = true;
    return;
  }
  for (const image of document_.images) galleryRoot.append(card(image, document_.presets));
  window.galleryState.images = document_.images.length;
  statusLine.textContent = document_.images.length
    ? `${document_.images.length} images of ${userId}, ${window.galleryState.links} share links`
    : `${userId} has no images (nox -s seed loads demo-alice's, demo-bob's and demo-carol's)`;
  window.galleryState.ready = true;
}

const params = new URLSearchParams(window.location.search);
const initialUser = params.get("user_id") || "demo-alice";
userInput.value = initialUser;
document.getElementById("user-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const userId = userInput.value.trim();
  if (!userId) return;
  history.replaceState(null, "", `?user_id=${encodeURIComponent(userId)}`);
  show(userId).catch((err) => { statusLine.textContent = String(err); statusLine.classList.add("error"); });
});
show(initialUser).catch((err) => { statusLine.textContent = String(err); statusLine.classList.add("error"); });
