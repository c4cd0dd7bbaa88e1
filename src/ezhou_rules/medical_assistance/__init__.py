"""Rules of 鄂州政办发〔2022〕34号 (医疗救助): framework-free formulas over columns and their dated parameters."""
