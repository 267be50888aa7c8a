"""Links and QR codes: one link per form x unit, PNG/SVG codes, printable A4 pages."""
