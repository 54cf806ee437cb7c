# This file is part of the satisfaction_publication module.  The COPYRIGHT
# file at the top level of this repository contains the full copyright
# notices and license terms.
"""Inline SVG charts, drawn on the server: no script, no external asset.

Each chart is labelled by the caption of its figure (caption_id) and is
followed, in the page, by a table of the same numbers for screen readers
and for reading exact values.  Every text is escaped here.  The colours
have a contrast of at least 3:1 with the white background (WCAG 1.4.11)
and the lines differ by their dashes and markers too, not by colour only
(1.4.1).
"""
from html import escape

WIDTH = 400
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 110
VALUE_WIDTH = 70
FONT = 14
COLOURS = ('#0b4f8a', '#8a3b0b')  # 8.7:1 and 8.3:1 on white
DASHES = (None, '6 4')
TEXT = '#1b1b1b'
GRID = '#767676'


def _number(value):
    return f'{value:.1f}'.rstrip('0').rstrip('.')


def _open(height, caption_id):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" '
        f'aria-labelledby="{escape(caption_id)}" viewBox="0 0 {WIDTH} '
        f'{_number(height)}" width="100%" font-size="{FONT}" '
        f'font-family="system-ui, sans-serif" fill="{TEXT}">')


def bar_chart(rows, caption_id):
    """Horizontal bars: rows is [(label, share 0..1 or None, value text)];
    a row without share has no bar, only its value text"""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    parts = [_open(height, caption_id)]
    for index, (label, share, text) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        middle = _number(y + BAR_HEIGHT / 2 + FONT * 0.35)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{middle}" '
            f'text-anchor="end">{escape(str(label))}</text>')
        length = 0
        if share is not None:
            length = max(0.0, min(1.0, float(share))) * span
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{_number(length)}" '
                f'height="{BAR_HEIGHT}" fill="{COLOURS[0]}"/>')
        parts.append(
            f'<text x="{_number(LABEL_WIDTH + length + 6)}" y="{middle}">'
            f'{escape(str(text))}</text>')
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="0" x2="{LABEL_WIDTH}" '
        f'y2="{_number(height)}" stroke="{GRID}"/>')
    parts.append('</svg>')
    return ''.join(parts)


def line_chart(labels, series, caption_id, legend=True):
    """Lines over the periods: labels is the list of the x labels (oldest
    first), series [(name, [share 0..1 or None for each label])]; a None
    breaks its line.  The y axis goes from 0 to 100 %."""
    top, bottom, left, right = 12, 40, 44, 16
    plot_height = 160
    legend_height = (len(series) * 20 + 8) if legend else 0
    height = top + plot_height + bottom + legend_height
    span = WIDTH - left - right
    count = max(1, len(labels))
    step = span / count

    def x(index):
        return left + step * (index + 0.5)

    def y(share):
        return top + plot_height * (1 - max(0.0, min(1.0, float(share))))

    parts = [_open(height, caption_id)]
    for tick in (0, 0.5, 1):
        parts.append(
            f'<line x1="{left}" y1="{_number(y(tick))}" x2="{WIDTH - right}" '
            f'y2="{_number(y(tick))}" stroke="{GRID}" stroke-width="0.5"/>'
            f'<text x="{left - 4}" y="{_number(y(tick) + FONT * 0.35)}" '
            f'text-anchor="end">{int(tick * 100)}%</text>')
    for index, label in enumerate(labels):
        parts.append(
            f'<text x="{_number(x(index))}" y="{top + plot_height + 20}" '
            f'text-anchor="middle">{escape(str(label))}</text>')
    # the first series drawn last: on top where the lines meet
    for number, (name, values) in reversed(list(enumerate(series))):
        colour = COLOURS[number % len(COLOURS)]
        dash = DASHES[number % len(DASHES)]
        dash_attribute = f' stroke-dasharray="{dash}"' if dash else ''
        segment = []
        segments = [segment]
        for index, value in enumerate(values):
            if value is None:
                segment = []
                segments.append(segment)
                continue
            segment.append((x(index), y(value)))
        for points in segments:
            if len(points) > 1:
                parts.append(
                    '<polyline fill="none" stroke-width="2.5" '
                    f'stroke="{colour}"{dash_attribute} points="'
                    + ' '.join(f'{_number(a)},{_number(b)}'
                        for a, b in points) + '"/>')
            for a, b in points:
                parts.append(_marker(number, a, b, colour))
        if legend:
            ly = top + plot_height + bottom + 8 + number * 20
            parts.append(
                f'<line x1="{left}" y1="{ly}" x2="{left + 30}" y2="{ly}" '
                f'stroke="{colour}" stroke-width="2.5"{dash_attribute}/>'
                + _marker(number, left + 15, ly, colour)
                + f'<text x="{left + 38}" y="{_number(ly + FONT * 0.35)}">'
                f'{escape(str(name))}</text>')
    parts.append('</svg>')
    return ''.join(parts)


def _marker(number, x, y, colour):
    "A circle for the first series, a square for the second"
    if number % 2 == 0:
        return (f'<circle cx="{_number(x)}" cy="{_number(y)}" r="5" '
            f'fill="{colour}"/>')
    return (f'<rect x="{_number(x - 4)}" y="{_number(y - 4)}" width="8" '
        f'height="8" fill="{colour}"/>')
