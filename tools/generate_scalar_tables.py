#!/usr/bin/env python3
"""The tables of the scalar exponential and logarithm of one double (core/detail/exp_table.hpp,
core/detail/log_table.hpp).

exp: 2^(j/64), j = 0..63, as hi + lo: hi = 2^(j/64) rounded to double, lo = (2^(j/64) - hi)
     rounded to double, so hi + lo is within 2^-106 of 2^(j/64) relative.
log: for m in [1 + j/64, 1 + (j+1)/64), j = 0..63: inverse = 1/(1 + (j + 1/2)/64) rounded to
     double, and -log(inverse) as hi + lo (within 2^-106), so that
     log(m) = -log(inverse) + log1p(m*inverse - 1) holds exactly whatever inverse's rounding.
Computed with mpmath at 60 digits and checked at 80. Run: python3 tools/generate_scalar_tables.py
(needs Debian's python3-mpmath); paste the printed arrays into the two headers.
"""
import mpmath as mp


def split(value):
    hi = float(value)
    return hi, float(value - mp.mpf(hi))


def exp_entry(j, digits):
    with mp.workdps(digits):
        exact = mp.power(2, mp.mpf(j) / 64)
        return exact, split(exact)


def log_entry(j, digits):
    with mp.workdps(digits):
        inverse = float(1 / (1 + (mp.mpf(j) + mp.mpf(1) / 2) / 64))
        exact = -mp.log(mp.mpf(inverse))
        return exact, (inverse,) + split(exact)


def table(entry, count):
    rows = []
    for j in range(count):
        _, values = entry(j, 60)
        check, values80 = entry(j, 80)
        assert values == values80, j
        with mp.workdps(80):
            error = abs((mp.mpf(values[-2]) + mp.mpf(values[-1])) - check)
            assert check == 0 or error / abs(check) < mp.mpf(2) ** -106, (j, error)
        rows.append("    {%s}," % ", ".join(v.hex() for v in values))
    return "\n".join(rows)


print("inline constexpr double exp2_sixty_fourths[64][2] = {")
print(table(exp_entry, 64))
print("};")
print()
print("inline constexpr double log_sixty_fourths[64][3] = {")
print(table(log_entry, 64))
print("};")
