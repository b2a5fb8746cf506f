"""Ad images, served from the image root only (``redflags serve --image-root``).

The route takes the image's *position* in the ad (``/ads/{id}/images/2``), never a path, and
still checks that the resolved file lies inside the root, so ``../`` or a symlink out of the
root is refused.  Remote URLs are never fetched (the page shows a placeholder), and only common
raster image types are served.  Pages show images blurred and greyscale until a reviewer
reveals one (``static/app.js``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response

from redflags.store import Actor, Store
from redflags.store.webviews import ad_images
from redflags.web.auth import PageError, require_scope

__all__ = ["IMAGE_TYPES", "resolve_image", "router"]

router = APIRouter(include_in_schema=False)

#: served types (SVG is not: it can carry script)
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def resolve_image(root: Path | None, name: str) -> Path | None:
    """The file ``name`` inside ``root``, or None (no root, remote, outside, missing, not an image).

    >>> resolve_image(Path("/srv/img"), "../etc/passwd") is None
    True
    """
    if root is None or not name or "\x00" in name or ":" in name or name.startswith(("/", "\\")):
        return None
    path = (root / name).resolve()
    if not path.is_relative_to(root) or path.suffix.lower() not in IMAGE_TYPES:
        return None
    return path if path.is_file() else None


@router.get("/ads/{ad_id:path}/images/{n}")
def ad_image(
    request: Request,
    ad_id: str,
    n: int,
    actor: Annotated[Actor, Depends(require_scope("ad.read"))],
) -> Response:
    store: Store = request.app.state.store
    images = ad_images(store, ad_id)
    if images is None or not (0 <= n < len(images)):
        raise PageError(404, "There is no such image.")
    path = resolve_image(request.app.state.web_image_root, images[n])
    if path is None:
        raise PageError(404, "This image is not available here.")
    return FileResponse(
        path,
        media_type=IMAGE_TYPES[path.suffix.lower()],
        headers={"Cache-Control": "private, max-age=300"},
    )
