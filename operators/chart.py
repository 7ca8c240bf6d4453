"""The evaluation outcomes chart of a tenant's overview, drawn on the server as inline SVG.

One panel per control (small multiples, most executed first): a stacked bar per time bucket with
its matches, non-matches and errors (``observability.stats.outcomes_by_control``), a shared
legend, the bucket times along the bottom and each bar's numbers in its tooltip (``<title>``). No
script, no CDN: the page renders the same in any browser, offline.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

#: (count key, label, colour) in stacking order, bottom first.
SERIES = (
    ("match_count", "matches", "#ba2121"),
    ("non_match_count", "non-matches", "#79aec8"),
    ("error_count", "errors", "#e0a000"),
)
WIDTH, PANEL, LEFT, RIGHT, TOP, BOTTOM = 760, 96, 170, 10, 8, 18


def _time_label(start, time_range: str) -> str:
    return start.strftime("%b %d" if time_range.endswith("d") else "%H:%M")


def _panel(control: dict, starts: list, time_range: str, y: int) -> list[str]:
    buckets = control["buckets"]
    peak = max((b["execution_count"] for b in buckets), default=0) or 1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, PANEL - TOP - BOTTOM
    slot = plot_w / len(buckets)
    total = sum(b["execution_count"] for b in buckets)
    name = escape(control["control_name"] or f"control {control['control_id']}")
    parts = [
        f'<g class="control-panel" data-control="{name}" transform="translate(0,{y})">',
        f'<text x="0" y="{TOP + 12}" class="label">{name}</text>',
        f'<text x="0" y="{TOP + 28}" class="meta">id {escape(control["control_id"])} · '
        f"{total} evaluations</text>",
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        'class="axis"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 9}" class="tick" text-anchor="end">{peak}</text>',
    ]
    for index, bucket in enumerate(buckets):
        base = TOP + plot_h
        x = LEFT + index * slot + slot * 0.1
        tooltip = escape(
            f"{starts[index]:%Y-%m-%d %H:%M} UTC: "
            + ", ".join(f"{bucket[key]} {label}" for key, label, _ in SERIES)
        )
        parts.append(f"<g><title>{tooltip}</title>")
        for key, label, colour in SERIES:
            height = plot_h * bucket[key] / peak
            if height:
                base -= height
                parts.append(
                    f'<rect x="{x:.1f}" y="{base:.1f}" width="{slot * 0.8:.1f}" '
                    f'height="{height:.1f}" fill="{colour}" class="{label}"/>'
                )
        parts.append("</g>")
    for index in sorted({0, len(starts) // 2, len(starts) - 1}):
        x = LEFT + index * slot + slot / 2
        parts.append(
            f'<text x="{x:.1f}" y="{PANEL - 4}" class="tick" text-anchor="middle">'
            f"{_time_label(starts[index], time_range)}</text>"
        )
    parts.append("</g>")
    return parts


def outcomes_svg(outcomes: dict) -> SafeString:
    """``outcomes`` (``outcomes_by_control``) as an ``<svg>`` element; a short note when no
    control was evaluated in the window."""
    controls, starts = outcomes["controls"], outcomes["bucket_starts"]
    if not controls:
        return mark_safe(
            f'<p class="no-outcomes">No evaluations in the last {escape(outcomes["time_range"])}.</p>'
        )
    legend_h = 24
    height = legend_h + PANEL * len(controls)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="outcomes-chart" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="Evaluation outcomes per control over the last '
        f'{escape(outcomes["time_range"])}">',
        "<style>.label{font:bold 12px sans-serif;fill:#333}.meta,.tick{font:11px sans-serif;"
        "fill:#666}.axis{stroke:#bbb}</style>",
    ]
    for index, (_, label, colour) in enumerate(SERIES):
        x = LEFT + index * 120
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 17}" y="16" class="meta">{label}</text>')
    for index, control in enumerate(controls):
        parts.extend(_panel(control, starts, outcomes["time_range"], legend_h + index * PANEL))
    parts.append("</svg>")
    return mark_safe("".join(parts))
