"""Stage 5: print-ready PDFs of the public edition: an A4 办事明白卡 and an A3 flowchart poster per power,
a 职权目录 booklet per department and one for the whole catalogue."""

from generator.outputs.pdf.writer import write_pdfs

__all__ = ["write_pdfs"]
