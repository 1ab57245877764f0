"""The "Chỉ tiêu" tab: every quantitative target and result, filtered, compared side by
side (indicators × province and year, each value linked to its quote), charted where
values are comparable numbers, and exported as CSV."""

from __future__ import annotations

import tempfile
from html import escape
from pathlib import Path

import gradio as gr

from assistant.targets import KIND_NAMES, TargetRow, TargetTable, comparison, to_csv
from hoidap.messages import UNKNOWN_YEAR
from ingest.targets import value_range

ALL = "Tất cả"
KIND_CHOICES = [ALL, "Mục tiêu", "Kết quả"]
_KIND_OF_CHOICE = {"Mục tiêu": "target", "Kết quả": "result"}
SIGNS = {"tối thiểu": "≥ ", "trên": "> ", "khoảng": "~ ", "tối đa": "≤ ", "gấp": "gấp ", "tăng": "+", "giảm": "−"}
TABLE_HEADERS = ["Tỉnh", "Năm", "Loại", "Chỉ tiêu", "So sánh", "Giá trị", "Văn bản", "Trích dẫn"]


def cell_text(row: TargetRow) -> str:
    """"≥ 20%", "9-10%": the value with its comparator as a sign ("đạt" needs none)."""
    return SIGNS.get(row.target.comparator, "") + row.target.value


def comparison_html(rows: list[TargetRow], element_id: str = "targets-compare", on_screen: bool = False) -> str:
    """Indicators as rows, province × year as columns; every value links to its quote.
    on_screen: the large type of "Trình chiếu", for a room to read."""
    if not rows:
        return f"<div class='hd-muted' id='{element_id}'>Không có chỉ tiêu nào khớp bộ lọc.</div>"
    columns, cells = comparison(rows)
    number = {id(r): f"{element_id}-{i}" for i, r in enumerate(rows, start=1)}
    head = "".join(f"<th>{escape(p)}<br>{y or UNKNOWN_YEAR}</th>" for p, y in columns)
    body = []
    for indicator, by_column in cells.items():
        tds = []
        for column in columns:
            shown, seen = [], set()
            in_cell = by_column.get(column, [])
            # "tối thiểu 20%" and a plain "20%" of the same cell say one thing: keep the first.
            qualified = {r.target.value for r in in_cell if r.target.comparator != "đạt"}
            for row in in_cell:
                text = cell_text(row)
                if text in seen or (row.target.comparator == "đạt" and row.target.value in qualified):
                    continue
                seen.add(text)
                kind = "" if row.target.kind == "target" else " <small>(kết quả)</small>"
                shown.append(f"<a href='#{number[id(row)]}' title='{escape(row.quote)}'>"
                             f"{escape(text)}</a>{kind}")
            tds.append(f"<td>{'<br>'.join(shown)}</td>")
        body.append(f"<tr><th scope='row'>{escape(indicator)}</th>{''.join(tds)}</tr>")
    quotes = "".join(f"<li id='{number[id(r)]}'><b>{escape(r.target.province)}, "
                     f"{r.target.year or UNKNOWN_YEAR}:</b> «{escape(r.quote)}» — <i>{escape(r.title)}</i> "
                     f"({escape(r.target.doc_id)})</li>" for r in rows)
    classes = "hd-targets hd-demo" if on_screen else "hd-targets"
    return (f"<div id='{element_id}' class='{classes}'><table><thead><tr><th>Chỉ tiêu</th>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>"
            f"<details><summary>Trích dẫn ({len(rows)})</summary><ol class='hd-quotes'>{quotes}</ol></details></div>")


def table_rows(rows: list[TargetRow]) -> list[list]:
    return [[r.target.province, r.target.year or "—", KIND_NAMES[r.target.kind], r.target.indicator,
             r.target.comparator, r.target.value, r.target.doc_id, r.quote] for r in rows]


def percent_of(row: TargetRow) -> float | None:
    """A percentage as a number for the chart ("9-10%" → 9.5); None when not a percentage."""
    bounds = value_range(row.target) if row.target.unit == "%" else None
    return (bounds[0] + bounds[1]) / 2 if bounds else None


def chart_indicator(rows: list[TargetRow]) -> str | None:
    """The percentage indicator set for the most provinces and years: the one worth a chart."""
    charted = comparable_indicators([r for r in rows if r.target.year and percent_of(r) is not None])
    return charted[0] if charted else None


def chart_data(rows: list[TargetRow], indicator: str | None):
    import pandas as pd
    points: dict[tuple[str, str], float] = {}
    for r in rows:
        value = percent_of(r)
        if r.target.indicator == indicator and r.target.year and value is not None and r.target.kind == "target":
            key = (r.target.province, str(r.target.year))
            points[key] = max(points.get(key, 0.0), value)
    # One bar per province and year, side by side (bars of one year stacked would add up).
    ordered = sorted(points.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    return pd.DataFrame([{"Năm, tỉnh": f"{y} · {p}", "Tỉnh": p, "Giá trị (%)": v} for (p, y), v in ordered],
                        columns=["Năm, tỉnh", "Tỉnh", "Giá trị (%)"])


def targets_tab(table: TargetTable, banner) -> None:
    """table: the TargetTable of the served index; banner(): the index warning HTML."""
    with gr.Row():
        province = gr.Dropdown([ALL], value=ALL, label="Tỉnh", elem_id="targets-province", allow_custom_value=True)
        year = gr.Dropdown([ALL], value=ALL, label="Năm", elem_id="targets-year", allow_custom_value=True)
        kind = gr.Radio(KIND_CHOICES, value=ALL, label="Loại", elem_id="targets-kind")
        indicator = gr.Textbox(label="Chỉ tiêu (từ khóa)", placeholder="ví dụ: kinh tế số", elem_id="targets-indicator")
    show = gr.Button("Xem", variant="primary", elem_id="targets-show")
    notice = gr.HTML("")
    compare = gr.HTML("<div class='hd-muted' id='targets-compare'>Bấm “Xem” để hiện bảng so sánh.</div>")
    with gr.Row():
        chart_choice = gr.Dropdown([], label="Biểu đồ chỉ tiêu (%)", elem_id="targets-chart-indicator",
                                   allow_custom_value=True)
    chart = gr.BarPlot(x="Năm, tỉnh", y="Giá trị (%)", color="Tỉnh", label="Mục tiêu theo tỉnh và năm",
                       sort=None, elem_id="targets-chart")
    listing = gr.Dataframe(headers=TABLE_HEADERS, label="Bảng chỉ tiêu", wrap=True, interactive=False,
                           elem_id="targets-table")
    download = gr.DownloadButton("Tải CSV", elem_id="targets-csv")

    def chosen(province_v, year_v, kind_v, indicator_v) -> list[TargetRow]:
        year_number = int(year_v) if year_v not in (None, "", ALL) and str(year_v).isdigit() else None
        return table.rows(None if province_v in (None, ALL) else province_v, year_number,
                          (indicator_v or "").strip() or None, _KIND_OF_CHOICE.get(kind_v))

    def view(province_v, year_v, kind_v, indicator_v):
        warning = banner()
        rows = chosen(province_v, year_v, kind_v, indicator_v)
        every = table.rows()
        provinces = [ALL] + sorted({r.target.province for r in every if r.target.province})
        years = [ALL] + [str(y) for y in sorted({r.target.year for r in every if r.target.year})]
        charted = chart_indicator(rows)
        choices = sorted({r.target.indicator for r in rows if percent_of(r) is not None})
        folder = Path(tempfile.mkdtemp(prefix="hoidap-targets-"))
        csv_path = folder / "chi-tieu.csv"
        csv_path.write_text(to_csv(rows), encoding="utf-8-sig")   # BOM: Excel opens Vietnamese right
        return (warning, comparison_html(rows), table_rows(rows), gr.update(choices=provinces),
                gr.update(choices=years), gr.update(choices=choices, value=charted), chart_data(rows, charted),
                str(csv_path))

    def rechart(province_v, year_v, kind_v, indicator_v, chart_v):
        return chart_data(chosen(province_v, year_v, kind_v, indicator_v), chart_v)

    filters = [province, year, kind, indicator]
    outputs = [notice, compare, listing, province, year, chart_choice, chart, download]
    show.click(view, filters, outputs, api_name="targets")
    indicator.submit(view, filters, outputs, api_visibility="private")
    chart_choice.input(rechart, filters + [chart_choice], chart, api_visibility="private")


def targets_on_screen(table: TargetTable) -> None:
    """The comparison of one indicator in large type, for "Trình chiếu": trainers pick what
    the provinces committed to and show it to the room, each value linked to its quote."""
    gr.Markdown("### Bảng chỉ tiêu trên màn hình")
    with gr.Row():
        choice = gr.Dropdown([], label="Chỉ tiêu", allow_custom_value=True, scale=4,
                             elem_id="demo-targets-indicator")
        show = gr.Button("Chiếu bảng chỉ tiêu", scale=1, elem_id="demo-targets-show")
    screen = gr.HTML("<div class='hd-demo hd-muted' id='demo-targets'>Chọn một chỉ tiêu rồi bấm "
                     "“Chiếu bảng chỉ tiêu”.</div>")

    def project(indicator_v):
        every = table.rows()
        compared = comparable_indicators(every)
        wanted = indicator_v or (compared[0] if compared else None)
        rows = [r for r in every if r.target.indicator == wanted]
        return gr.update(choices=compared, value=wanted), comparison_html(rows, "demo-targets", on_screen=True)

    show.click(project, choice, [choice, screen], api_name="demo_targets")


def comparable_indicators(rows: list[TargetRow]) -> list[str]:
    """Indicators with values in at least two (province, year) cells, the most spread first:
    the ones a comparison on screen says something about."""
    cells: dict[str, set] = {}
    for r in rows:
        cells.setdefault(r.target.indicator, set()).add((r.target.province, r.target.year))
    spread = {name: (len({p for p, _ in c}), len(c)) for name, c in cells.items() if len(c) >= 2}
    return sorted(spread, key=lambda name: (-spread[name][0], -spread[name][1], name))
