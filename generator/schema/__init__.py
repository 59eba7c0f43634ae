"""What a plan workbook is: the rules file (sheets, columns, checks) and the BRAG key."""
