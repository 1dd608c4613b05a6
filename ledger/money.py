"""Amounts of money in figures and in capital Chinese numerals (大写), as on a signed form.

Agreements are read aloud and signed by people who check the words, not the digits;
the words are written the way Chinese receipts write them (壹贰叁…, 元角分, 整).
"""

from decimal import ROUND_HALF_UP, Decimal

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ["", "拾", "佰", "仟"]
BIG_UNITS = ["", "万", "亿"]


def _four(n: int) -> str:
    """0 < n < 10000 in capital numerals, with 零 for inner gaps."""
    out, zero = "", False
    for place in range(3, -1, -1):
        digit = n // 10**place % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += DIGITS[digit] + SMALL_UNITS[place]
    return out


def _integer(n: int) -> str:
    if n == 0:
        return "零"
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            if out and not out.endswith("零"):
                out += "零"
            continue
        if out and group < 1000 and not out.endswith("零"):
            out += "零"
        out += _four(group) + BIG_UNITS[index]
    return out.rstrip("零")


def yuan_in_words(amount: Decimal) -> str:
    """``Decimal("1205.50")`` → "人民币壹仟贰佰零伍元伍角"; whole amounts end in 整."""
    amount = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("金额不能是负数 / amount must not be negative")
    cents = int(amount * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    words = "人民币"
    if yuan:
        words += _integer(yuan) + "元"
    if not jiao and not fen:
        return words + ("整" if yuan else "零元整")
    if jiao:
        words += DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += DIGITS[fen] + "分"
    return words
