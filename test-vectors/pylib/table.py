"""Loading the case tables (JSON, one row per case) of the generators."""

import json
import os


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def load_dir(folder, order):
    """The tables `folder/<name>.json` for each name of `order`, in that order."""
    return [load(os.path.join(folder, n + ".json")) for n in order]
