"""Images to send: real PNGs and JPEGs that pass the service's checks, of chosen sizes (the noise
PNG is the one the memory measurement uses)."""

import io

from PIL import Image

from devtools.function_profile import noise_png

__all__ = ["noise_png", "photo_jpeg"]


def photo_jpeg(width: int = 1600, height: int = 1200) -> bytes:
    """A photo-like JPEG (fractal detail and gradients), for resizing."""
    size = (width, height)
    detail = Image.effect_mandelbrot(size, (-2.0, -1.25, 0.75, 1.25), 64)
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.effect_noise(size, 40)
    out = io.BytesIO()
    Image.merge("RGB", (detail, gradient, noise)).save(out, format="JPEG", quality=90)
    return out.getvalue()
