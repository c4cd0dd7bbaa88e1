"""Water-quality indicators, their units, and exact parsing of lab values over columns.

A value is kept as an integer of 10⁻⁹ of its indicator's canonical unit (mg/L, pH, NTU, 铂钴色度单位,
MPN/100mL …), so 300 μg/L and 0.3 mg/L are the same integer 300,000,000 and a limit is met or not exactly,
never by a float's last bit. A unit converts only by a power of ten inside its own dimension (mg/L ↔ μg/L,
per L ↔ per 100 mL); anything else is refused, never guessed: turbidity in "度" (JTU or mg/L SiO₂, not NTU),
a concentration given for a turbidity, a unit the table does not know.

Lab notation read (interpretation U6): "0.3"; "<0.05", "＜0.05" and the HJ convention "0.05L" (below the
detection limit 0.05); "未检出" / "ND" / "not detected" (below an unstated detection limit). Scientific notation,
thousands separators and negative values are refused (temperature may be negative).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SCALE_DIGITS = 9
SCALE = 10**SCALE_DIGITS  # canonical unit = 10⁹ stored units
MAX_INT_DIGITS = 9  # values below 10⁹ canonical units before scaling: keeps every product in int64

# qualifier of a value
EXACT, BELOW_LIMIT, NOT_DETECTED = 0, 1, 2
ND_TOKENS = ("未检出", "nd", "n.d.", "notdetected", "not detected", "未检测出")

# per-row parse errors (0 = fine); the Chinese text names what to fix
(
    ERR_OK,
    ERR_INDICATOR,
    ERR_UNIT,
    ERR_DIMENSION,
    ERR_AMBIGUOUS,
    ERR_VALUE,
    ERR_DECIMALS,
    ERR_NEGATIVE,
    ERR_RANGE,
) = range(9)
PARSE_ERRORS: dict[int, tuple[str, str]] = {
    ERR_INDICATOR: (
        "indicator_unknown",
        "指标“{indicator}”不在指标目录中，无法判定；请管理员先登记该指标及其计量维度",
    ),
    ERR_UNIT: (
        "unit_unknown",
        "计量单位“{unit}”无法识别，不作猜测；请按检测报告填写标准单位（如 mg/L、μg/L、NTU）",
    ),
    ERR_DIMENSION: ("unit_dimension", "计量单位“{unit}”不是{name}的单位（{name}以{canonical}计）"),
    ERR_AMBIGUOUS: (
        "unit_ambiguous",
        "计量单位“{unit}”用于{name}时含义不明（可能是杰克逊浊度单位或以SiO₂计的mg/L），不能换算为NTU，请提供以NTU计的结果",
    ),
    ERR_VALUE: ("value_format", "检测值“{value}”无法识别；应为十进制数（如 0.35）、“<0.05”“0.05L”或“未检出”"),
    ERR_DECIMALS: ("value_precision", "检测值“{value}”{unit}的小数位数过多，超出可精确比较的范围"),
    ERR_NEGATIVE: ("value_negative", "检测值“{value}”为负数，{name}不能为负"),
    ERR_RANGE: ("value_range", "检测值“{value}”{unit}超出可处理范围"),
}


@dataclass(frozen=True)
class Dimension:
    key: str
    canonical: str  # the unit results are stated in
    units: tuple[tuple[str, int], ...]  # (unit as written, power of ten to the canonical unit)
    negative_allowed: bool = False
    ambiguous: tuple[str, ...] = ()  # units refused with ERR_AMBIGUOUS


DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension(
            "mass_concentration",
            "mg/L",
            (
                ("mg/L", 0),
                ("毫克/升", 0),
                ("μg/L", -3),
                ("µg/L", -3),
                ("ug/L", -3),
                ("微克/升", -3),
                ("ng/L", -6),
                ("纳克/升", -6),
                ("g/L", 3),
                ("克/升", 3),
            ),
        ),
        Dimension("ph", "无量纲", (("无量纲", 0), ("pH", 0), ("pH单位", 0), ("", 0), ("-", 0))),
        Dimension(
            "turbidity",
            "NTU",
            (("NTU", 0), ("NTU（散射浊度单位）", 0), ("散射浊度单位", 0)),
            ambiguous=("度",),
        ),
        # 色度 "度" is defined by the platinum-cobalt scale (1 mg/L Pt = 1度), the same unit as Hazen / APHA
        Dimension(
            "colour",
            "铂钴色度单位",
            (("铂钴色度单位", 0), ("Pt-Co", 0), ("PtCo", 0), ("PCU", 0), ("Hazen", 0), ("度", 0)),
        ),
        # the standards write "MPN/100mL 或 CFU/100mL": both methods count the same organisms per volume
        Dimension(
            "count",
            "MPN/100mL",
            (
                ("MPN/100mL", 0),
                ("CFU/100mL", 0),
                ("个/100mL", 0),
                ("MPN/L", -1),
                ("CFU/L", -1),
                ("个/L", -1),
                ("个/10L", -2),
                ("CFU/mL", 2),
                ("个/mL", 2),
            ),
        ),
        Dimension("temperature", "℃", (("℃", 0), ("°C", 0), ("摄氏度", 0)), negative_allowed=True),
        Dimension("length", "m", (("m", 0), ("米", 0), ("cm", -2), ("厘米", -2), ("mm", -3), ("毫米", -3))),
        Dimension("conductivity", "μS/cm", (("μS/cm", 0), ("µS/cm", 0), ("uS/cm", 0), ("mS/cm", 3))),
        Dimension("dimensionless", "无量纲", (("无量纲", 0), ("", 0), ("-", 0))),
    )
}
_DIM_KEYS = list(DIMENSIONS)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str  # Chinese name as printed in the standards
    dimension: str
    aliases: tuple[str, ...] = ()


# The indicators of GB/T 18920-2020 and common ones of the other standards the gazette names; an administrator
# adds more (with their dimension) when entering a standard (standards.StandardsLibrary.with_indicator).
INDICATORS: tuple[Indicator, ...] = (
    Indicator("ph", "pH", "ph", ("pH值",)),
    Indicator("colour", "色度", "colour"),
    Indicator("turbidity", "浊度", "turbidity"),
    Indicator("bod5", "五日生化需氧量（BOD5）", "mass_concentration", ("BOD5", "五日生化需氧量")),
    Indicator("codcr", "化学需氧量（CODCr）", "mass_concentration", ("CODCr", "COD", "化学需氧量")),
    Indicator("ss", "悬浮物（SS）", "mass_concentration", ("SS", "悬浮物")),
    Indicator("ammonia_n", "氨氮", "mass_concentration", ("NH3-N",)),
    Indicator("total_nitrogen", "总氮", "mass_concentration", ("TN",)),
    Indicator("total_phosphorus", "总磷", "mass_concentration", ("TP",)),
    Indicator("anionic_surfactant", "阴离子表面活性剂", "mass_concentration", ("LAS",)),
    Indicator("iron", "铁", "mass_concentration", ("Fe",)),
    Indicator("manganese", "锰", "mass_concentration", ("Mn",)),
    Indicator("tds", "溶解性总固体", "mass_concentration", ("TDS",)),
    Indicator("dissolved_oxygen", "溶解氧", "mass_concentration", ("DO",)),
    Indicator("total_chlorine", "总氯", "mass_concentration"),
    Indicator("residual_chlorine", "余氯", "mass_concentration"),
    Indicator("e_coli", "大肠埃希氏菌", "count", ("大肠埃希菌",)),
    Indicator("fecal_coliform", "粪大肠菌群", "count"),
    Indicator("chloride", "氯化物", "mass_concentration", ("Cl-",)),
    Indicator("sulphate", "硫酸盐", "mass_concentration", ("SO4 2-",)),
    Indicator("petroleum", "石油类", "mass_concentration"),
    Indicator("water_temperature", "水温", "temperature"),
    Indicator("transparency", "透明度", "length"),
    Indicator("conductivity", "电导率", "conductivity"),
    Indicator("sodium_adsorption_ratio", "钠吸附比", "dimensionless", ("SAR",)),
)


def normalise_unit(unit: str) -> str:
    """Case, spaces and full-width forms do not change a unit: 'MG / l' → 'mg/l', 'µg/L' → 'μg/l'."""
    text = unit.strip().replace(" ", "").replace("　", "").replace("／", "/").replace("µ", "μ")
    return text.lower()


_HASH_WEIGHTS = np.random.default_rng(20221411).integers(1, 2**63, size=256, dtype=np.uint64) | np.uint64(1)


def _codes(arr: np.ndarray) -> np.ndarray:
    """A column of strings as a (rows × characters) matrix of code points (0 after the end)."""
    width = max(arr.dtype.itemsize // 4, 1)
    return np.ascontiguousarray(arr.astype(f"<U{width}")).view(np.uint32).reshape(len(arr), width)


def _hash(arr: np.ndarray) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each string (weighted sum of code points, wrapping): equal strings, equal hashes."""
    codes = _codes(arr)
    if codes.shape[1] > len(_HASH_WEIGHTS):
        codes = codes[:, : len(_HASH_WEIGHTS)]  # longer names share a prefix hash; equality is checked anyway
    with np.errstate(over="ignore"):
        return (codes.astype(np.uint64) * _HASH_WEIGHTS[: codes.shape[1]]).sum(axis=1, dtype=np.uint64)


class _Vocab:
    """A small vocabulary looked up by hash (integers search fast); every hit is then compared with the
    vocabulary's string, so a hash collision can only make a lookup miss, never match the wrong entry."""

    def __init__(self, words: list[str]) -> None:
        self.words = np.array(words)
        keys = _hash(self.words)
        self.order = np.argsort(keys, kind="stable")
        self.keys = keys[self.order]

    def lookup(self, arr: np.ndarray) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
        h = _hash(arr)
        at = np.clip(np.searchsorted(self.keys, h), 0, len(self.words) - 1)
        pos = self.order[at].astype(np.int64)
        return pos, (self.keys[at] == h) & (self.words[pos] == arr)


def _norm_column(units: np.ndarray) -> np.ndarray:
    out = np.strings.replace(np.strings.strip(units), " ", "")
    for a, b in (("　", ""), ("／", "/"), ("µ", "μ")):
        out = np.strings.replace(out, a, b)
    return np.strings.lower(out)


class Catalogue:
    """Indicators and units as lookup tables for whole columns (searchsorted on small sorted vocabularies)."""

    def __init__(self, indicators: tuple[Indicator, ...]) -> None:
        self.indicators = tuple(indicators)
        names: dict[str, int] = {}
        for i, ind in enumerate(self.indicators):
            if ind.dimension not in DIMENSIONS:
                raise ValueError(
                    f"指标{ind.name}的计量维度“{ind.dimension}”未知；可用：{'、'.join(DIMENSIONS)}。"
                )
            for name in (ind.code, ind.name, *ind.aliases):
                if names.setdefault(name, i) != i:
                    raise ValueError(f"指标名称“{name}”重复。")
        self._ind_vocab = _Vocab(sorted(names))
        self._ind_index = np.array([names[v] for v in self._ind_vocab.words], dtype=np.int64)
        spelled = {u for d in DIMENSIONS.values() for u, _ in d.units} | {
            u for d in DIMENSIONS.values() for u in d.ambiguous
        }
        aliases = sorted({normalise_unit(u) for u in spelled})
        self._unit_err = np.full((len(_DIM_KEYS), len(aliases)), ERR_DIMENSION, dtype=np.int64)
        self._unit_exp = np.zeros((len(_DIM_KEYS), len(aliases)), dtype=np.int64)
        for di, key in enumerate(_DIM_KEYS):
            for u, e in DIMENSIONS[key].units:
                j = aliases.index(normalise_unit(u))
                self._unit_err[di, j], self._unit_exp[di, j] = ERR_OK, e
            for u in DIMENSIONS[key].ambiguous:
                self._unit_err[di, aliases.index(normalise_unit(u))] = ERR_AMBIGUOUS
        self._unit_vocab = _Vocab(aliases)
        self._unit_spelled = _Vocab(sorted(spelled))
        self._unit_spelled_index = np.array(
            [aliases.index(normalise_unit(u)) for u in self._unit_spelled.words]
        )
        self._dim_of = np.array([_DIM_KEYS.index(i.dimension) for i in self.indicators], dtype=np.int64)
        self._negative_ok = np.array(
            [DIMENSIONS[i.dimension].negative_allowed for i in self.indicators] or [False]
        )
        self.by_code = {i.code: i for i in self.indicators}

    def with_indicator(self, indicator: Indicator) -> Catalogue:
        """A catalogue with one more indicator (an administrator registering one a standard needs)."""
        return Catalogue((*self.indicators, indicator))

    def index_of(self, names: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Index in `indicators` of each name (code, Chinese name or alias); -1 where unknown."""
        arr = np.atleast_1d(np.asarray(names)).astype(str)
        pos, found = self._ind_vocab.lookup(arr)
        if not found.all():  # slow path for the few rows written with spaces around the name
            miss = np.flatnonzero(~found)
            pos[miss], found[miss] = self._ind_vocab.lookup(np.strings.strip(arr[miss]))
        return np.where(found, self._ind_index[pos], -1)

    def code(self, name: str) -> str | None:
        i = int(self.index_of([name])[0])
        return self.indicators[i].code if i >= 0 else None

    def unit_exponents(
        self, indicator_index: np.ndarray, units: npt.ArrayLike
    ) -> tuple[np.ndarray, np.ndarray]:
        """Power of ten from each row's unit to its indicator's canonical unit, and a parse-error code."""
        raw = np.atleast_1d(np.asarray(units)).astype(str)
        spelled, known = self._unit_spelled.lookup(raw)  # fast path: a unit written as the table spells it
        pos = self._unit_spelled_index[spelled]
        if not known.all():
            miss = np.flatnonzero(~known)
            pos[miss], known[miss] = self._unit_vocab.lookup(_norm_column(raw[miss]))
        dim = self._dim_of[np.maximum(indicator_index, 0)]
        err = np.where(known, self._unit_err[dim, pos], ERR_UNIT)
        return self._unit_exp[dim, pos], err

    def dimension(self, indicator_index: int) -> Dimension:
        return DIMENSIONS[self.indicators[indicator_index].dimension]


DEFAULT_CATALOGUE = Catalogue(INDICATORS)


@dataclass(frozen=True)
class Parsed:
    """Columns of parsed measurements: indicator index, value (10⁻⁹ canonical units), qualifier, error code."""

    indicator: npt.NDArray[np.int64]
    value: npt.NDArray[np.int64]
    qualifier: npt.NDArray[np.int8]
    error: npt.NDArray[np.int8]


_CHUNK = 1 << 17  # rows per block of the fast parser: bounds the (rows × characters) temporaries
_POW10 = 10 ** np.arange(19, dtype=np.int64)


def _parse_fast(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The common shapes only — [<|＜|-]digits[.digits][L], no spaces — read straight from the code points.

    Returns (ok, mantissa in 10⁻⁹ of the written unit, negative, below); rows not ok go to `_parse_slow`."""
    n = len(v)
    width = int(np.strings.str_len(v).max()) if n else 1
    codes = _codes(v.astype(f"<U{max(width, 1)}"))
    width = codes.shape[1]
    ok, mantissa = np.zeros(n, dtype=bool), np.zeros(n, dtype=np.int64)
    negative, below = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    pos = np.arange(width)
    for a in range(0, n, _CHUNK):
        c = codes[a : a + _CHUNK]
        rows = np.arange(len(c))
        length = (c != 0).sum(axis=1)
        first, last = c[:, 0], c[rows, np.maximum(length - 1, 0)]
        lt = (first == 60) | (first == 0xFF1C)  # "<", "＜"
        neg = first == 45  # "-"
        suffix = (last == 76) & (length > 1)  # "0.05L": below the detection limit 0.05 (HJ notation)
        start = (lt | neg).astype(np.int64)
        end = length - suffix
        core = (pos >= start[:, None]) & (pos < end[:, None])
        digit = (c >= 48) & (c <= 57)
        dot = core & (c == 46)
        dots = dot.sum(axis=1)
        dot_at = np.where(dots == 1, dot.argmax(axis=1), end)
        int_digits = dot_at - start
        frac_digits = np.where(dots == 1, end - dot_at - 1, 0)
        good = (
            ~(core & ~digit & (c != 46)).any(axis=1)
            & (dots <= 1)
            & (int_digits >= 1)
            & (int_digits <= MAX_INT_DIGITS)
            & (frac_digits <= SCALE_DIGITS)
            & ((dots == 0) | (frac_digits >= 1))
        )
        power = np.where(
            pos < dot_at[:, None],
            SCALE_DIGITS - 1 + dot_at[:, None] - pos,
            SCALE_DIGITS + dot_at[:, None] - pos,
        )
        take = core & digit & good[:, None]
        value = (np.where(take, c.astype(np.int64) - 48, 0) * _POW10[np.clip(power, 0, 18)]).sum(axis=1)
        ok[a : a + len(c)], mantissa[a : a + len(c)] = good, value
        negative[a : a + len(c)], below[a : a + len(c)] = neg & good, (lt | suffix) & good
    return ok, mantissa, negative, below


def _parse_slow(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every accepted shape (spaces, "未检出", "< 0.05" …): (mantissa, negative, below, not_detected, error)."""
    v = np.strings.strip(v)
    n = len(v)
    low = np.strings.lower(np.strings.replace(v, " ", ""))
    nd = np.isin(low, [t.replace(" ", "") for t in ND_TOKENS])
    lt = np.strings.startswith(v, "<") | np.strings.startswith(v, "＜")
    suffix_l = np.strings.endswith(v, "L") & ~nd
    body = np.where(lt, np.strings.slice(v, 1, None), v)
    body = np.strings.strip(np.where(suffix_l, np.strings.slice(body, None, -1), body))
    negative = np.strings.startswith(body, "-")
    body = np.where(negative, np.strings.slice(body, 1, None), body)
    whole, sep, frac = np.strings.partition(body, ".")
    whole_len, frac_len = np.strings.str_len(whole), np.strings.str_len(frac)
    digits = np.strings.isdecimal(whole) & np.strings.isdecimal(np.where(sep == "", "0", frac))
    well_formed = digits & (whole_len > 0) & ((sep == "") | (frac_len > 0))
    err = np.where(nd, ERR_OK, np.where(well_formed, ERR_OK, ERR_VALUE))
    err = np.where((err == ERR_OK) & ~nd & (whole_len > MAX_INT_DIGITS), ERR_RANGE, err)
    err = np.where((err == ERR_OK) & ~nd & (frac_len > SCALE_DIGITS), ERR_DECIMALS, err)
    ok = (err == ERR_OK) & ~nd
    mantissa = np.zeros(n, dtype=np.int64)
    if ok.any():
        w = np.where(ok, whole, "0").astype(np.int64)
        f = np.where(
            ok & (sep != ""),
            np.strings.ljust(np.strings.slice(frac, 0, SCALE_DIGITS), SCALE_DIGITS, "0"),
            "0",
        )
        mantissa = w * SCALE + f.astype(np.int64)
    return mantissa, negative & ~nd, (lt | suffix_l) & ~nd, nd, err


def parse_text(values: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Lab values as written → (mantissa in 10⁻⁹ of the written unit, negative, below, not_detected, error)."""
    v = np.atleast_1d(np.asarray(values)).astype(str)
    ok, mantissa, negative, below = _parse_fast(v)
    nd = np.zeros(len(v), dtype=bool)
    err = np.zeros(len(v), dtype=np.int64)
    if not ok.all():
        miss = np.flatnonzero(~ok)
        mantissa[miss], negative[miss], below[miss], nd[miss], err[miss] = _parse_slow(v[miss])
    return mantissa, negative, below, nd, err


def parse_values(
    indicators: npt.ArrayLike,
    values: npt.ArrayLike,
    units: npt.ArrayLike,
    catalogue: Catalogue = DEFAULT_CATALOGUE,
) -> Parsed:
    """Parse columns of lab results exactly; a row that cannot be read gets an error code (see PARSE_ERRORS)."""
    ind = catalogue.index_of(indicators)
    exp, err = catalogue.unit_exponents(ind, units)
    err = np.where(ind < 0, ERR_INDICATOR, err)
    mantissa, negative, below, nd, value_err = parse_text(values)
    err = np.where(err == ERR_OK, value_err, err)
    neg_ok = catalogue._negative_ok[np.maximum(ind, 0)]
    err = np.where((err == ERR_OK) & negative & ~(neg_ok & ~below), ERR_NEGATIVE, err)
    numeric = ~nd
    # to the canonical unit: × 10^exp; a negative exp must divide exactly
    pow_pos = _POW10[np.clip(exp, 0, 18)]
    pow_neg = _POW10[np.clip(-exp, 0, 18)]
    too_big = (exp > 0) & (mantissa > np.iinfo(np.int64).max // pow_pos)
    inexact = (exp < 0) & (mantissa % pow_neg != 0)
    err = np.where((err == ERR_OK) & numeric & too_big, ERR_RANGE, err)
    err = np.where((err == ERR_OK) & numeric & inexact, ERR_DECIMALS, err)
    good = (err == ERR_OK) & numeric
    value = np.where(good & (exp > 0), mantissa * np.where(too_big, 1, pow_pos), mantissa)
    value = np.where(good & (exp < 0), value // pow_neg, value)
    value = np.where(good, np.where(negative, -value, value), 0)
    qualifier = np.where(nd, NOT_DETECTED, np.where(below, BELOW_LIMIT, EXACT)).astype(np.int8)
    return Parsed(ind, value.astype(np.int64), qualifier, err.astype(np.int8))


def parse_one(
    indicator: str, value: str, unit: str, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> tuple[int, int, int]:
    """(indicator index, value, qualifier) of one result; ValueError with the Chinese reason if unreadable."""
    p = parse_values([indicator], [value], [unit], catalogue)
    code = int(p.error[0])
    if code:
        raise ValueError(parse_error_text(code, indicator, value, unit, catalogue))
    return int(p.indicator[0]), int(p.value[0]), int(p.qualifier[0])


def parse_error_text(
    code: int, indicator: str, value: str, unit: str, catalogue: Catalogue = DEFAULT_CATALOGUE
) -> str:
    i = int(catalogue.index_of([indicator])[0])
    name = catalogue.indicators[i].name if i >= 0 else indicator
    canonical = catalogue.dimension(i).canonical if i >= 0 else ""
    return PARSE_ERRORS[code][1].format(
        indicator=indicator, value=value, unit=unit, name=name, canonical=canonical
    )


def format_value(value: int) -> str:
    """300000000 → '0.3' (canonical units, trailing zeros dropped)."""
    sign = "-" if value < 0 else ""
    whole, frac = divmod(abs(int(value)), SCALE)
    text = f"{whole}.{frac:0{SCALE_DIGITS}d}".rstrip("0").rstrip(".")
    return sign + text
