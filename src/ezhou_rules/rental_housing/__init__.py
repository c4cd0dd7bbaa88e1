"""Rules of 鄂州政发〔2022〕19号 (保障性租赁住房): framework-free formulas over columns and their dated parameters."""
