/**
 * Python's spelling of values in `extra_repr()` strings, so that `model.toString()` matches
 * `print(model)` character for character: `True`, `1e-05`, `0.1`, `(3, 3)`, `'none'`.
 */

/** A boolean as Python prints it. */
export function pyBool(b: boolean): string {
  return b ? "True" : "False";
}

/** A float as Python's `repr(float)`: shortest round-trip digits, `1.0`, `1e-05`, `1e+16`. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = x.toExponential().split("e");
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  const sign = x < 0 ? "-" : "";
  const digits = mantissa.replace("-", "").replace(".", "");
  let text: string;
  if (exp >= 0) {
    const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
    const frac = digits.slice(exp + 1);
    text = `${intPart}.${frac || "0"}`;
  } else {
    text = `0.${"0".repeat(-exp - 1)}${digits}`;
  }
  return sign + text;
}

/** A number as Python prints a value that may be an int or a float (ints stay ints). */
export function pyNumber(x: number, isFloat: boolean): string {
  return isFloat ? pyFloat(x) : String(x);
}

/** A tuple of ints as Python prints it: `(3,)`, `(3, 3)`. */
export function pyTuple(values: readonly number[]): string {
  return values.length === 1 ? `(${values[0]},)` : `(${values.join(", ")})`;
}

/** A string as Python's `repr(str)`: single-quoted. */
export function pyStr(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
