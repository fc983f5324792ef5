/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracket paths
 * (`line_items[0][price_data][unit_amount]=1000`, `expand[]=x`). Numeric segments make arrays.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

export class FormError extends Error {
  constructor(
    message: string,
    readonly param: string,
  ) {
    super(message);
  }
}

export function decodeForm(body: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = parseKey(key);
    let node: FormObject | FormValue[] = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      const last = i === path.length - 1;
      const nextIsIndex = !last && /^\d*$/.test(path[i + 1]!);
      if (Array.isArray(node)) {
        const index = segment === '' ? node.length : Number(segment);
        if (last) node[index] = value;
        else node = (node[index] ??= nextIsIndex ? [] : {}) as FormObject | FormValue[];
      } else {
        if (last) node[segment] = value;
        else node = (node[segment] ??= nextIsIndex ? [] : {}) as FormObject | FormValue[];
      }
      if (!last && typeof node === 'string') throw new FormError(`Invalid ${key}`, key);
    }
  }
  return root;
}

function parseKey(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) throw new FormError(`Invalid parameter name: ${key}`, key);
  const rest = [...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!);
  return [match[1]!, ...rest];
}

/** Readers that throw Stripe's `parameter_invalid_*` errors. */
export function str(obj: FormObject, key: string, param = key): string | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new FormError(`Invalid string: ${param}`, param);
  return value;
}

export function int(obj: FormObject, key: string, param = key): number | undefined {
  const value = str(obj, key, param);
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) {
    throw new FormError(`Invalid integer: ${value}`, param);
  }
  return Number(value);
}

export function obj(parent: FormObject, key: string, param = key): FormObject | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new FormError(`Invalid object`, param);
  }
  return value;
}

export function list(parent: FormObject, key: string, param = key): FormObject[] | undefined {
  const value = parent[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new FormError(`Invalid array`, param);
  return value.map((item, i) => {
    if (typeof item !== 'object' || Array.isArray(item)) {
      throw new FormError(`Invalid object`, `${param}[${i}]`);
    }
    return item;
  });
}

/** Metadata: string values, keys up to 40 characters, values up to 500, at most 50 keys. */
export function metadata(parent: FormObject, key: string, param = key): Record<string, string> {
  const value = obj(parent, key, param) ?? {};
  const entries = Object.entries(value);
  if (entries.length > 50) throw new FormError('Metadata can have at most 50 keys', param);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== 'string') throw new FormError('Invalid metadata value', `${param}[${k}]`);
    if (k.length > 40) throw new FormError('Metadata keys are at most 40 characters', param);
    if (v.length > 500) throw new FormError('Metadata values are at most 500 characters', param);
    if (v !== '') out[k] = v;
  }
  return out;
}

/** Stripe rejects parameters it does not know, which catches an adapter's typo. */
export function onlyKnown(value: FormObject, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const param = prefix ? `${prefix}[${key}]` : key;
      throw new FormError(`Received unknown parameter: ${param}`, param);
    }
  }
}
