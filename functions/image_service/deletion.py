"""Deleting an image (service): its metadata first (gone for every reader at once), then its
bytes and variants (ImageStore.remove; what cannot be deleted is tagged to expire)."""

from image_service.models import ImageRecord
from image_service.records import check_image_id
from image_service.storage.image_store import get_image_store


def delete(image_id: str, tenant_id: str) -> ImageRecord:
    check_image_id(image_id)
    return get_image_store().remove(image_id, tenant_id)
