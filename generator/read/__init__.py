"""Reading a workbook: the front door, then sheets, header rows, columns and cell values."""
