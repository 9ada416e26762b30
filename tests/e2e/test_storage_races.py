"""Races through the real gateway, with a storage audit (bucket objects against table items)
before and after: parallel completions of one large upload, and variant requests in parallel with
their image's delete. tests/unit/test_storage_races.py replays each interleaving deterministically;
here the functions really run at once."""

import base64
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from PIL import Image

from image_service import contract
from tests.fixtures.deployed_api import Api, Storage, complete, send, start
from tests.fixtures.images import photo

COMPLETERS = 8
ROUNDS = 3
VARIANT_REQUESTS = 12


def test_parallel_completions_of_one_upload_all_answer_the_same_image(
    api: Api, storage: Storage, user_id: str, audit_baseline: frozenset[str]
) -> None:
    assert set(storage.audit()) <= audit_baseline
    data = photo("PNG", (640, 480))
    for _ in range(ROUNDS):
        # Given an upload whose bytes reached S3
        ticket = start(api, user_id)
        assert send(ticket, data).status_code in (200, 201, 204)

        # When eight clients complete it at once
        with ThreadPoolExecutor(COMPLETERS) as pool:
            answers = list(pool.map(complete, [api] * COMPLETERS, [ticket] * COMPLETERS))

        # Then every one answers 200 with the same image
        assert [r.status_code for r in answers] == [200] * COMPLETERS, [
            (r.status_code, r.text) for r in answers
        ]
        bodies = [r.json() for r in answers]
        assert all(body == bodies[0] for body in bodies), bodies
        image_id = ticket["image_id"]
        # ...stored once: its bytes, one item, nothing staged, the upload closed
        assert storage.object_bytes(image_id) == data
        assert storage.keys(f"{contract.STAGING_PREFIX}{image_id}") == []
        assert storage.pending_upload(image_id) is None
        # and a later completion answers the same
        assert complete(api, ticket).json() == bodies[0]
    assert len(api.list_all(user_id)) == ROUNDS
    assert set(storage.audit()) <= audit_baseline


@pytest.fixture(scope="module")
def source() -> str:
    """A photo large enough that a variant takes a while to make (so some are being made when
    the delete runs)."""
    return base64.b64encode(photo("JPEG", (1600, 1200))).decode()


def test_variants_made_while_their_image_is_deleted_leave_nothing(
    api: Api, storage: Storage, user_id: str, source: str, audit_baseline: frozenset[str]
) -> None:
    assert set(storage.audit()) <= audit_baseline
    outcomes: dict[int, int] = {}
    for _ in range(ROUNDS):
        # Given an image
        body = {"user_id": user_id, "image_name": "race.jpg", "file": source}
        uploaded = api.request("POST", "/v1/images", json=body)
        assert uploaded.status_code == 201, uploaded.text
        image_id = uploaded.json()["image_id"]

        def variant(width: int, image_id: str = image_id) -> requests.Response:
            return api.request("GET", f"/v1/images/{image_id}", params={"width": str(width)})

        # When variants of it are requested while it is deleted
        with ThreadPoolExecutor(VARIANT_REQUESTS + 1) as pool:
            early = [pool.submit(variant, 64 + width) for width in range(VARIANT_REQUESTS // 2)]
            deleted = pool.submit(api.request, "DELETE", f"/v1/images/{image_id}")
            late = [pool.submit(variant, 128 + width) for width in range(VARIANT_REQUESTS // 2)]
            answers = [future.result() for future in early + late]
            assert deleted.result().status_code == 200, deleted.result().text

        # Then each variant request was served or found the image gone, never a server error
        for answer in answers:
            assert answer.status_code in (200, 404), answer.text
            outcomes[answer.status_code] = outcomes.get(answer.status_code, 0) + 1
            if answer.status_code == 200:
                assert Image.open(io.BytesIO(answer.content)).format == "JPEG"
        # ...and nothing of the image is left: bytes, item, variants
        assert storage.keys(f"images/{image_id}") == []
        assert storage.keys(f"variants/{image_id}/") == []
        assert api.request("GET", f"/v1/images/{image_id}").status_code == 404
    assert sum(outcomes.values()) == ROUNDS * VARIANT_REQUESTS
    assert set(storage.audit()) <= audit_baseline
