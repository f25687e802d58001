"""Write the JSON Schemas of the output models: `python -m schemas.export [DIR]` (default schemas/json).

The committed files are checked against the models by tests/test_schemas.py, so they cannot drift.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from schemas.document import Document
from schemas.record import ExtractionRecord

MODELS = {"InspectionsDocument": Document, "InspectionsRecord": ExtractionRecord}
DEFAULT_DIR = Path(__file__).parent / "json"


def schemas() -> dict[str, str]:
    """File name -> JSON Schema text for every exported model."""
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for name, model in MODELS.items()
    }


def main(out: Path = DEFAULT_DIR) -> int:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in schemas().items():
        (out / name).write_text(text, encoding="utf-8")
        print(out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR))
