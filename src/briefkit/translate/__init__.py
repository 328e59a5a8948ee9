"""Translators' round trip: a plan's bilingual texts <-> XLIFF 2.1 or PO by field path, with stale tracking.

export_plan writes the exchange file, import_file writes confirmed translations
back into plan.yaml (all or nothing), and stale_findings / accept_translations
keep the record of which English each Chinese text was translated from.
"""

from .apply import ImportReport
from .exchange import FORMATS, Export, export_plan, import_file
from .stale import accept_translations, record_path, stale_findings

__all__ = ["FORMATS", "Export", "ImportReport", "accept_translations", "export_plan", "import_file",
           "record_path", "stale_findings"]
