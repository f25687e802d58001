"""Screenshots of the report for the README: its national page and one council's page, in headless Chromium.

Builds the report from a database (one ingested from ../shared/real for the committed pictures) into a
temporary folder and photographs the top of two pages at 1280 x 2000 with Debian's chromium, driven by
the playwright package (never a browser of its own). Writes docs/report-national.png and
docs/report-council-<council>.png.

Run: .venv/bin/python scripts/report_screenshots.py DB [--council Oldham] [--out docs]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.analysis.report import write_report  # noqa: E402
from pipeline.analysis.report_html import slug  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("db", type=Path)
    ap.add_argument("--council", default="Oldham")
    ap.add_argument("--out", type=Path, default=ROOT / "docs")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        main_page = write_report(args.db, Path(tmp) / "report.html")[0]
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        shots = {
            "report-national.png": main_page,
            f"report-council-{slug(args.council)}.png": main_page.parent / "councils" / f"{slug(args.council)}.html",
        }
        for name, html in shots.items():
            page = browser.new_page(viewport={"width": 1280, "height": 2000})
            page.goto(html.resolve().as_uri())
            page.wait_for_selector("html[data-ready]")
            page.screenshot(path=str(args.out / name))
            page.close()
            print(f"wrote {args.out / name}", file=sys.stderr)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
