#!/usr/bin/env python3
"""The 《客户投诉处理记录表》 register written by openpyxl (write-only mode), for
`frontdesk-dev bench-documents` to compare with the Rust writer.

    openpyxl_register.py ROWS.csv OUT.xlsx

ROWS.csv (written by the bench): line 1 the column kinds (s string, n number, d date-time),
line 2 the headers, then the data rows, exactly the cells of the Rust-written register. The
workbook gets the same layout: title and subtitle rows (not merged: write-only mode cannot), header row, the rows with
date-time cells as real dates with a date format, blank cells not written and the table's borders
from one conditional format over its range (as the Rust writer does), column widths, frozen
header, autofilter, A4 landscape fit to one page wide, header row repeated, page footer. Prints JSON with the time
spent building and saving the workbook (the CSV is read before the clock starts).
"""
import csv
import json
import sys
import time
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        kinds = next(reader)
        headers = next(reader)
        rows = list(reader)

    start = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("投诉登记")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name="宋体", size=10)
    wrap = Alignment(wrap_text=True, vertical="center")
    for i, h in enumerate(headers):
        ws.column_dimensions[get_column_letter(i + 1)].width = 14
    ws.freeze_panes = "A4"
    last = get_column_letter(len(headers))
    ws.auto_filter.ref = f"A3:{last}{len(rows) + 3}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "3:3"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.conditional_formatting.add(
        f"A4:{last}{len(rows) + 3}", FormulaRule(formula=["TRUE"], border=border)
    )

    def cell(value, number_format=None, boxed=False):
        c = WriteOnlyCell(ws, value=value)
        c.font = font
        if boxed:
            c.border = border
        c.alignment = wrap
        if number_format:
            c.number_format = number_format
        return c

    ws.append([cell("《客户投诉处理记录表》")])
    ws.append([cell("物业项目：基准花园    期间：2026年11月")])
    ws.append([cell(h, boxed=True) for h in headers])
    for r in rows:
        line = []
        for kind, v in zip(kinds, r):
            if v == "":
                line.append(None)
            elif kind == "d":
                line.append(cell(datetime.fromisoformat(v), "yyyy-mm-dd hh:mm"))
            elif kind == "n":
                line.append(cell(float(v)))
            else:
                line.append(cell(v))
        ws.append(line)
    wb.save(out)
    seconds = time.perf_counter() - start
    print(json.dumps({"write_seconds": round(seconds, 3), "rows": len(rows)}))


if __name__ == "__main__":
    main()
