// Test support: a small JSON Schema (draft 2020-12) validator for exactly the keywords Strata emits.
// It throws on any other keyword, so a schema using something new fails loudly instead of passing.

const ANNOTATIONS = new Set(['$schema', 'description', 'examples', 'default', 'title', 'id']);
const ASSERTIONS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'propertyNames', 'anyOf', 'pattern',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'items',
  'enum', 'const', 'minItems', 'maxItems', '$ref', '$defs', 'oneOf',
]);

type Schema = Record<string, unknown>;

/** Every keyword used anywhere in `schema` that this checker does not know; empty when fully understood. */
export function unknownKeywords(schema: unknown): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(schema)) {
    if (!ANNOTATIONS.has(key) && !ASSERTIONS.has(key)) out.push(key);
    if (key === 'properties') for (const sub of Object.values(value as Schema)) out.push(...unknownKeywords(sub));
    if (key === 'anyOf' || key === 'oneOf') for (const sub of value as unknown[]) out.push(...unknownKeywords(sub));
    if (key === '$defs') for (const sub of Object.values(value as Schema)) out.push(...unknownKeywords(sub));
    if (key === 'additionalProperties' || key === 'propertyNames' || key === 'items') out.push(...unknownKeywords(value));
  }
  return out;
}

function typeOf(value: unknown): string[] {
  if (value === null) return ['null'];
  if (Array.isArray(value)) return ['array'];
  if (typeof value === 'number') return Number.isInteger(value) ? ['number', 'integer'] : ['number'];
  return [typeof value];
}

/** True when `value` satisfies `schema` (the subset above); `$ref` resolves against `root`'s `$defs`. */
export function conforms(schema: unknown, value: unknown, root: unknown = schema): boolean {
  if (schema === true) return true;
  if (schema === false) return false;
  let s = schema as Schema;
  if (typeof s.$ref === 'string') {
    const name = /^#\/\$defs\/(.+)$/.exec(s.$ref)?.[1];
    const target = name === undefined ? undefined : ((root as Schema).$defs as Schema | undefined)?.[name];
    if (target === undefined) throw new Error(`unresolvable $ref ${s.$ref}`);
    s = target as Schema;
  }
  if (Array.isArray(s.enum) && !s.enum.some((option) => option === value)) return false;
  if (s.const !== undefined && s.const !== value) return false;
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeOf(value).includes(t))) return false;
  }
  if (Array.isArray(s.anyOf) && !s.anyOf.some((sub) => conforms(sub, value, root))) return false;
  if (Array.isArray(s.oneOf) && s.oneOf.filter((sub) => conforms(sub, value, root)).length !== 1) return false;
  if (typeof value === 'string') {
    const length = [...value].length;
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value)) return false;
    if (typeof s.minLength === 'number' && length < s.minLength) return false;
    if (typeof s.maxLength === 'number' && length > s.maxLength) return false;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return false;
    if (typeof s.minimum === 'number' && value < s.minimum) return false;
    if (typeof s.maximum === 'number' && value > s.maximum) return false;
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) return false;
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) return false;
  }
  if (Array.isArray(value)) {
    if (s.items !== undefined && !value.every((item) => conforms(s.items, item, root))) return false;
    if (typeof s.minItems === 'number' && value.length < s.minItems) return false;
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) return false;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = (s.properties ?? {}) as Record<string, unknown>;
    if (Array.isArray(s.required) && !s.required.every((key: string) => Object.hasOwn(record, key))) return false;
    for (const [key, item] of Object.entries(record)) {
      if (s.propertyNames !== undefined && !conforms(s.propertyNames, key, root)) return false;
      if (Object.hasOwn(properties, key)) {
        if (!conforms(properties[key], item, root)) return false;
      } else if (s.additionalProperties !== undefined && !conforms(s.additionalProperties, item, root)) {
        return false;
      }
    }
  }
  return true;
}
