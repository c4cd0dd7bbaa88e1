"""Rules of 鄂州政办发〔2022〕15号 (计划用水管理): framework-free formulas over columns and their dated parameters."""
