"""Images to send: real PNGs and JPEGs that pass the service's checks, of chosen sizes."""

import io
import math
import os

from PIL import Image


def noise_png(approx_bytes: int) -> bytes:
    """An RGB noise PNG of about `approx_bytes` (noise does not compress, so size ~ 3 x pixels)."""
    side = max(1, math.isqrt(approx_bytes // 3))
    picture = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    picture.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def photo_jpeg(width: int = 1600, height: int = 1200) -> bytes:
    """A photo-like JPEG (fractal detail and gradients), for resizing."""
    size = (width, height)
    detail = Image.effect_mandelbrot(size, (-2.0, -1.25, 0.75, 1.25), 64)
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 40)
    out = io.BytesIO()
    Image.merge("RGB", (detail, gradient, noise)).save(out, format="JPEG", quality=90)
    return out.getvalue()
