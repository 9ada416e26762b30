// BlurHash decoding (https://blurha.sh; the service computes the hash at upload,
// functions/image_service/placeholder.py): the image's placeholder as RGBA pixels, painted
// on a canvas behind the <img> until the image has loaded.
"use strict";

const BASE83 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

function decode83(text) {
  let value = 0;
  for (const character of text) value = value * 83 + BASE83.indexOf(character);
  return value;
}

function toLinear(value) {
  const v = value / 255;
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

function toSrgb(value) {
  const v = Math.max(0, Math.min(1, value));
  return Math.round(v <= 0.0031308 ? v * 12.92 * 255 : (1.055 * Math.pow(v, 1 / 2.4) - 0.055) * 255);
}

function signedPow(value, exponent) {
  return Math.sign(value) * Math.pow(Math.abs(value), exponent);
}

function blurhashPixels(hash, width, height) {
  const sizeFlag = decode83(hash[0]);
  const nx = (sizeFlag % 9) + 1;
  const ny = Math.floor(sizeFlag / 9) + 1;
  if (hash.length !== 4 + 2 * nx * ny) throw new Error("not a BlurHash");
  const maximum = (decode83(hash[1]) + 1) / 166;
  const colours = [];
  const dc = decode83(hash.slice(2, 6));
  colours.push([toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]);
  for (let index = 1; index < nx * ny; index += 1) {
    const value = decode83(hash.slice(4 + index * 2, 6 + index * 2));
    const quantised = [Math.floor(value / (19 * 19)), Math.floor(value / 19) % 19, value % 19];
    colours.push(quantised.map((q) => signedPow((q - 9) / 9, 2) * maximum));
  }
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      let r = 0, g = 0, b = 0;
      for (let j = 0; j < ny; j += 1) {
        for (let i = 0; i < nx; i += 1) {
          const basis = Math.cos((Math.PI * x * i) / width) * Math.cos((Math.PI * y * j) / height);
          const colour = colours[i + j * nx];
          r += colour[0] * basis; g += colour[1] * basis; b += colour[2] * basis;
        }
      }
      const at = 4 * (x + y * width);
      pixels[at] = toSrgb(r); pixels[at + 1] = toSrgb(g); pixels[at + 2] = toSrgb(b); pixels[at + 3] = 255;
    }
  }
  return pixels;
}

if (typeof module !== "undefined") module.exports = { blurhashPixels };
