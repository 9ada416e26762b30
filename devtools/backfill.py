"""`nox -s backfill`: fill in the dimensions and placeholder of images stored before they were
recorded (functions/image_service/backfill.py), against the deployed stack's bucket and table."""

import argparse
import os
import sys

from devtools import paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bucket", required=True, help="the images bucket")
    parser.add_argument("--table", required=True, help="the images table")
    parser.add_argument("--index", default="by_owner", help="the images table's by-owner index")
    parser.add_argument("--uploads-table", default="", help="the uploads table (Settings needs a name)")
    args = parser.parse_args(argv)
    # The functions' own settings, as Terraform sets them (the uploads table is not read here).
    os.environ.update(
        {
            "IMAGES_BUCKET": args.bucket,
            "IMAGES_TABLE": args.table,
            "IMAGES_BY_OWNER_INDEX": args.index,
            "UPLOADS_TABLE": args.uploads_table or "unused-by-the-backfill",
        }
    )
    sys.path.insert(0, str(paths.FUNCTIONS))
    from image_service.backfill import backfill  # noqa: PLC0415 - after the settings are in place

    report = backfill(progress=lambda image_id: print(f"  {image_id}", flush=True))
    for image_id, code in sorted(report.unreadable.items()):
        print(f"unreadable: {image_id} ({code})")
    print(f"backfill: {report.summary()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
