// Exact decimal arithmetic for the quantity parsers: a decimal literal becomes a BigInt
// fraction, so "1.1s" is exactly 1 100 000 µs and no float ever rounds a user's number.
import { InternalError } from './errors.js';

/** A non-negative exact rational `num / den`, kept in lowest terms with `den > 0`. */
export interface Ratio {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** The ratio `num / den` in lowest terms. Precondition: `num >= 0`, `den > 0`. */
export function ratio(num: bigint, den = 1n): Ratio {
  const g = gcd(num, den);
  return g <= 1n ? { num, den } : { num: num / g, den: den / g };
}

/** `a × b`, exactly. */
export function mulRatio(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.num, a.den * b.den);
}

/** `a ÷ b`, exactly. Precondition: `b` is not zero. */
export function divRatio(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.den, a.den * b.num);
}

/** `a + b`, exactly. */
export function addRatio(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.den + b.num * a.den, a.den * b.den);
}

/** A power of ten as a ratio (negative exponents give fractions), e.g. `pow10(-3)` = 1/1000. */
export function pow10(exponent: number): Ratio {
  return exponent >= 0 ? { num: 10n ** BigInt(exponent), den: 1n } : { num: 1n, den: 10n ** BigInt(-exponent) };
}

/** A power of two as a ratio, e.g. `pow2(20)` = 1 048 576 (Mi). Precondition: `exponent >= 0`. */
export function pow2(exponent: number): Ratio {
  return { num: 2n ** BigInt(exponent), den: 1n };
}

/** The largest exponent magnitude `decimalToRatio` computes; beyond it a non-zero value is certainly out of range. */
export const MAX_DECIMAL_EXPONENT = 400;

/**
 * The exact value of an unsigned decimal literal (`"12"`, `"1.50"`, `".5"`, `"5."`) times `10^exponent`.
 * Precondition: `digits` matches `\d+(\.\d*)?|\.\d+` and `|exponent| <= MAX_DECIMAL_EXPONENT`.
 */
export function decimalToRatio(digits: string, exponent = 0): Ratio {
  const dot = digits.indexOf('.');
  const whole = dot < 0 ? digits : digits.slice(0, dot);
  const fraction = dot < 0 ? '' : digits.slice(dot + 1);
  const value = ratio(BigInt(whole + fraction || '0'), 10n ** BigInt(fraction.length));
  return exponent === 0 ? value : mulRatio(value, pow10(exponent));
}

/** True when the ratio is a whole number. */
export function isWhole(r: Ratio): boolean {
  return r.den === 1n;
}

/**
 * The exact decimal expansion of `r` (`"1.5"`, `"0.25"`, `"3"`), or `undefined` when it does not
 * terminate (the denominator has a prime factor other than 2 and 5, as 1/3 or 1/60 do).
 */
export function ratioToDecimal(r: Ratio): string | undefined {
  let rest = r.den;
  let twos = 0;
  let fives = 0;
  while (rest % 2n === 0n) {
    rest /= 2n;
    twos++;
  }
  while (rest % 5n === 0n) {
    rest /= 5n;
    fives++;
  }
  if (rest !== 1n) return undefined;
  const places = Math.max(twos, fives);
  const scaled = ((r.num * 10n ** BigInt(places)) / r.den).toString();
  if (places === 0) return scaled;
  const padded = scaled.padStart(places + 1, '0');
  const fraction = padded.slice(-places).replace(/0+$/, '');
  const whole = padded.slice(0, -places);
  return fraction === '' ? whole : `${whole}.${fraction}`;
}

/** A unit a formatter may spell a value in: `factor` base units make one `suffix`. Build with `formatUnit`. */
export interface FormatUnit {
  readonly suffix: string;
  readonly factor: Ratio;
  /** `factor.num` and `factor.den` as doubles, for the safe-integer fast path. */
  readonly num: number;
  readonly den: number;
}

/** A formatter unit: `factor` base units make one `suffix`. */
export function formatUnit(suffix: string, factor: Ratio): FormatUnit {
  return { suffix, factor, num: Number(factor.num), den: Number(factor.den) };
}

/** Greatest common divisor of two safe non-negative integers. */
function gcdNumber(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * The length of the exact decimal spelling of `scaled / num` (safe integers, `num > 0`, not a whole
 * quotient), or `undefined` when the expansion does not terminate.
 */
function fractionLength(scaled: number, num: number): number | undefined {
  let rest = num / gcdNumber(scaled, num);
  let twos = 0;
  let fives = 0;
  while (rest % 2 === 0) {
    rest /= 2;
    twos++;
  }
  while (rest % 5 === 0) {
    rest /= 5;
    fives++;
  }
  if (rest !== 1) return undefined;
  return String((scaled - (scaled % num)) / num).length + 1 + Math.max(twos, fives);
}

/**
 * The shortest exact spelling `<decimal><suffix>` of `value` base units. Ties go to a whole-number
 * mantissa, then to the unit listed first. With `wholeOnly`, only whole mantissas are considered.
 * Precondition: `value >= 0` and some unit can spell it (a unit with factor 1 always can).
 */
export function formatShortest(value: bigint, units: readonly FormatUnit[], wholeOnly = false): string {
  // Safe-integer arithmetic settles whole candidates and the length of fractional ones; BigInt
  // spells a fractional candidate only when it would win.
  const small = value <= MAX_SAFE ? Number(value) : undefined;
  let best: { text: string; fractional: boolean } | undefined;
  for (const unit of units) {
    const num = unit.num;
    const scaled = small === undefined ? Number.NaN : small * unit.den;
    if (Number.isSafeInteger(scaled)) {
      const wide = !Number.isSafeInteger(num);
      if (wide ? scaled === 0 : scaled % num === 0) {
        const text = String(wide ? 0 : scaled / num) + unit.suffix;
        if (best === undefined || text.length < best.text.length || (text.length === best.text.length && best.fractional)) {
          best = { text, fractional: false };
        }
        continue;
      }
      if (wholeOnly) continue;
      // Quick bound first: a fractional mantissa has at least "<whole part>." and one digit.
      const whole = wide ? 0 : (scaled - (scaled % num)) / num;
      if (best !== undefined && String(whole).length + 2 + unit.suffix.length >= best.text.length) continue;
      // A factor beyond 2^53 leaves "0." and at least log10(factor / value) - 1 zeros before a digit.
      const length = wide ? 3 + Math.max(0, Math.floor(Math.log10(num / scaled)) - 1) : fractionLength(scaled, num);
      // A fractional candidate must be strictly shorter to win.
      if (length === undefined || (best !== undefined && length + unit.suffix.length >= best.text.length)) continue;
    }
    const mantissa = ratioToDecimal(divRatio(ratio(value), unit.factor));
    if (mantissa === undefined) continue;
    const fractional = mantissa.includes('.');
    if (wholeOnly && fractional) continue;
    const text = mantissa + unit.suffix;
    if (
      best === undefined ||
      text.length < best.text.length ||
      (text.length === best.text.length && best.fractional && !fractional)
    ) {
      best = { text, fractional };
    }
  }
  if (best === undefined) throw new InternalError(`no unit can spell ${value}: the unit table lacks a base unit`);
  return best.text;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
