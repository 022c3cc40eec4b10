// Fixed-point number formatting that matches Python's `'%.2f' % x` (and C's printf): the
// exact binary value of the double is rounded half-to-even, so 787.625 prints "787.62".

const MANTISSA_BITS = 52n;
const EXPONENT_BIAS = 1075; // 1023 + 52: value = mantissa * 2^(exponent - 1075)

/**
 * Format `value` with exactly `digits` decimals, rounding the double's exact value half to
 * even, as Python's `%.Nf` does (JavaScript's `toFixed` rounds exact ties up instead).
 * NaN and infinities print as Python does: `nan`, `inf`, `-inf`. `digits` is an integer 0..100.
 */
export function formatFixed(value: number, digits: number): string {
  if (!Number.isInteger(digits) || digits < 0 || digits > 100) {
    throw new RangeError(`formatFixed: digits must be an integer 0..100, got ${digits}`);
  }
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';

  const negative = value < 0 || Object.is(value, -0);
  const { mantissa, exponent } = decompose(Math.abs(value));
  // The exact value is scaled / 10^places, with scaled an integer: a double with a binary
  // exponent -k equals mantissa * 5^k / 10^k, which has a finite decimal expansion.
  let scaled: bigint;
  let places: number;
  if (exponent >= 0) {
    scaled = mantissa << BigInt(exponent);
    places = 0;
  } else {
    scaled = mantissa * 5n ** BigInt(-exponent);
    places = -exponent;
  }

  let units: bigint; // the result times 10^digits
  if (places <= digits) {
    units = scaled * 10n ** BigInt(digits - places);
  } else {
    const divisor = 10n ** BigInt(places - digits);
    units = scaled / divisor;
    const twiceRest = (scaled % divisor) * 2n;
    if (twiceRest > divisor || (twiceRest === divisor && units % 2n === 1n)) units += 1n;
  }

  const text = units.toString().padStart(digits + 1, '0');
  const body = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${body}` : body;
}

/** `formatFixed(value, 2)`: the two-decimal form OSTEP's scripts print for averages. */
export function formatFixed2(value: number): string {
  return formatFixed(value, 2);
}

/** Split a finite non-negative double into an integer mantissa and a binary exponent. */
function decompose(value: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> MANTISSA_BITS) & 0x7ffn);
  const fraction = bits & ((1n << MANTISSA_BITS) - 1n);
  if (biased === 0) return { mantissa: fraction, exponent: 1 - EXPONENT_BIAS }; // subnormal
  return { mantissa: fraction | (1n << MANTISSA_BITS), exponent: biased - EXPONENT_BIAS };
}
