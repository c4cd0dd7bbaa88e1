"""A jurisdiction file for the tests. The townships and villages are invented for the tests (codes and
names marked 测试): the platform itself seeds only the city and its five districts/zones."""

from __future__ import annotations

from pathlib import Path

HEADER = "统计用区划代码,名称,层级,上级,起始日期,终止日期,前身代码,变更类型,来源"
SRC = "测试数据（非真实区划）"
BASE_ROWS = [
    f"420704001000,测试一街道,乡镇（街道）,420704000000,,,,,{SRC}",
    f"420704002000,测试二街道,街道,鄂城区,,,,,{SRC}",
    f"420704100000,测试镇,镇,420704000000,,,,,{SRC}",
    f"420703100000,葛店测试镇,乡镇（街道）,葛店经开区,,,,,{SRC}",
    f"420704001001,测试一社区,村（社区）,420704001000,,,,,{SRC}",
    f"420704001002,测试二社区,社区,420704001000,,,,,{SRC}",
    f"420704100201,测试村,村,420704100000,,,,,{SRC}",
]
# 2023-01-01 测试一街道 is renamed (same code); 2024-01-01 测试二街道 and 测试镇 merge into a new street.
CHANGE_ROWS = [
    f"420704001000,测试新街道,乡镇（街道）,420704000000,2023-01-01,,420704001000,更名,{SRC}（更名）",
    f"420704003000,测试合并街道,乡镇（街道）,420704000000,2024年1月1日,,420704002000；420704100000,合并,{SRC}（合并）",
]


def write_csv(path: Path, rows: list[str], encoding: str = "utf-8-sig") -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding=encoding)
    return path
