"""Stage 3: 权力运行流程图. One DOT text per power (flowchart_dot), rendered to inline SVG in batches
with a content-hash cache (flowchart_render). This module is the stage's API for pages and PDFs."""

from __future__ import annotations

from generator.outputs.flowchart.dot import chart_label, dot_source
from generator.outputs.flowchart.render import ChartError, render_svgs

__all__ = ["ChartError", "chart_label", "dot_source", "render_svgs"]
