"""Screenshots of two review pages for docs/: a focused-visit letter and a 40-page inspection report.

    .venv/bin/python scripts/review_screenshots.py [--real ../shared/real] [--out docs]

Builds each page with `inspections review FILE --root REAL` (read and extracted from the file, no
database), opens it in Debian's chromium through playwright (headless, a fresh temporary profile, no
network), selects one item from the side list and hovers another, and saves a screenshot 1400 pixels
wide: docs/review-focused-visit.png (the letter from its first page) and docs/review-report.png.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOTS = {
    # screenshot: file under the archive, item to select, item to hover, window height, text scrolled to its top
    "review-focused-visit.png": (
        "focused_visits/80535_oldham/children's services focused visit - 21 august 2025.pdf", "a1", "a2", 1250, True,
    ),
    "review-report.png": (
        "ilacs/80454_cornwall/children's services inspection - 27 june 2016.pdf", "r3", "r5", 900, False,
    ),
}  # fmt: skip
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--real", type=Path, default=ROOT.parent / "shared" / "real", help="the real Ofsted archive")
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="folder for the PNG files")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium") or "/usr/bin/chromium"
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        for png, (rel, pick, hover, height, top) in SHOTS.items():
            pages = Path(tmp) / Path(png).stem
            subprocess.run(
                [sys.executable, "-m", "pipeline.cli", "review", str(args.real / rel), "--root", str(args.real),
                 "--out", str(pages)],
                check=True, cwd=ROOT,
            )  # fmt: skip
            (page_file,) = [f for f in pages.glob("*.html") if f.name != "index.html"]
            page = browser.new_page(viewport={"width": 1400, "height": height})
            page.goto(page_file.as_uri())
            page.wait_for_selector("body[data-ready='1']")
            page.click(f"li.item[data-id='{pick}']")
            page.wait_for_timeout(1300)  # the highlight's flash fades
            if top:  # the letter's first page: its metadata, highlighted
                page.locator("#pages").evaluate("el => { el.scrollTop = 0; }")
            page.locator(f"mark.hl[data-ids~='{hover}']").first.hover()
            page.screenshot(path=str(args.out / png))
            page.close()
            print(args.out / png)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
