#!/usr/bin/env python3
"""Test fixture for scripts/windows-check: a small customer register (.xlsx) as Windows tools
write it, with line breaks inside cells in both forms found in the wild:
  - Excel's own: CR escaped as `_x000D_` before the LF,
  - other tools': a raw CR LF as XML character references (&#13;&#10;).
Usage: make-xlsx.py OUT.xlsx   (standard library only)"""
import sys
import zipfile

ROWS = [
    ["房号", "姓名", "电话", "备注"],
    ["88-8-808", "窗口测试甲", "13800138001", "第一行_x000D_\n第二行"],
    ["88-8-809", "窗口测试乙&#13;&#10;", "13800138002", "第一行&#13;&#10;第二行"],
]


def col(i):
    return "ABCDEFGHIJ"[i]


def sheet():
    rows = []
    for r, cells in enumerate(ROWS, start=1):
        cs = "".join(
            f'<c r="{col(c)}{r}" t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>'
            for c, v in enumerate(cells)
        )
        rows.append(f'<row r="{r}">{cs}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{"".join(rows)}</sheetData></worksheet>'
    )


FILES = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>",
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="客户档案" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>",
    "xl/worksheets/sheet1.xml": sheet(),
}

with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in FILES.items():
        z.writestr(name, text.encode("utf-8"))
