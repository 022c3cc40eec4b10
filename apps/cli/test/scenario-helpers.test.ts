// The pure helpers behind `strata run` and `strata compare SCENARIO`: --set parsing and variants,
// writing a variant into the scenario text, the scenario folder's file reader, the report's
// script-safe JSON and its thinning of series.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { scriptSafeJson, scriptSafeSource } from '../src/report/report-page.js';
import { thin } from '../src/report/report-data.js';
import { applyVariant, parseSettings, variantLabel, variantsOf } from '../src/scenario-settings.js';
import { readScenarioSource } from '../src/scenario-source.js';
import { memoryIo } from './memory-io.js';

describe('--set values and variants', () => {
  it('reads values as YAML scalars and forms the product, the first flag varying slowest', () => {
    const settings = parseSettings(['placement=first-fit,best-fit', 'seed=7,x7', 'fidelity=exact']);
    expect(settings.map((s) => s.values)).toEqual([['first-fit', 'best-fit'], [7, 'x7'], ['exact']]);
    expect(variantsOf(settings).map(variantLabel)).toEqual([
      'placement=first-fit seed=7 fidelity=exact',
      'placement=first-fit seed=x7 fidelity=exact',
      'placement=best-fit seed=7 fidelity=exact',
      'placement=best-fit seed=x7 fidelity=exact',
    ]);
    expect(variantsOf([]).map(variantLabel)).toEqual(['base']);
  });

  it('the product has one variant per combination, all distinct (property)', () => {
    const value = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
    const flag = fc.tuple(fc.constantFrom('placement', 'fidelity', 'seed', 'duration', 'name', 'policy'), fc.uniqueArray(value, { minLength: 1, maxLength: 4 }));
    fc.assert(
      fc.property(fc.uniqueArray(flag, { minLength: 1, maxLength: 3, selector: ([k]) => k }), (flags) => {
        const settings = parseSettings(flags.map(([k, vs]) => `${k}=${vs.join(',')}`));
        const variants = variantsOf(settings);
        expect(variants).toHaveLength(flags.reduce((n, [, vs]) => n * vs.length, 1));
        expect(new Set(variants.map(variantLabel)).size).toBe(variants.length);
        for (const v of variants) expect(v.map(([k]) => k)).toEqual(flags.map(([k]) => k));
      }),
    );
  });

  it('writes a variant into YAML keeping comments, into JSON as JSON, and policy into hypervisors but not bare metal', () => {
    const yaml = '# keep me\nname: a\nseed: 1\nhosts:\n  - { name: h, cpus: 2, memory: 1Gi }\n  - { name: m, cpus: 2, memory: 1Gi, hypervisor: none }\n';
    const out = applyVariant(yaml, 's.yaml', [
      ['seed', 9],
      ['placement', 'spread'],
      ['policy', 'cfs'],
    ]);
    expect(out).toMatch(/^# keep me\n/);
    expect(parse(out)).toEqual({
      name: 'a',
      seed: 9,
      placement: 'spread',
      hosts: [
        { name: 'h', cpus: 2, memory: '1Gi', hypervisor: 'cfs' },
        { name: 'm', cpus: 2, memory: '1Gi', hypervisor: 'none' },
      ],
    });
    const json = applyVariant('{"name":"a","hosts":[]}', 's.json', [['duration', '5s']]);
    expect(JSON.parse(json)).toEqual({ name: 'a', hosts: [], duration: '5s' });
    expect(() => applyVariant('name: a\nhosts: []\n', 's.yaml', [['policy', 'cfs']])).toThrow(/--set policy=cfs: s\.yaml has no host template with a hypervisor/);
    expect(() => applyVariant('name: a\nhosts: []\nlabels: { x: y }\n', 's.yaml', [['labels', 'z']])).toThrow(/"labels" is a list or section in s\.yaml/);
  });
});

describe('a scenario folder', () => {
  it('reads files beside the scenario and below it, and nothing outside', () => {
    const io = memoryIo({ 'dc/s.yaml': 'name: a', 'dc/jobs.csv': 'x', 'dc/data/more.csv': 'y', 'secret.txt': 'no' });
    const source = readScenarioSource(io, 'dc/s.yaml');
    expect(source.text).toBe('name: a');
    expect(source.readFile('jobs.csv')).toBe('x');
    expect(source.readFile('data/more.csv')).toBe('y');
    expect(source.readFile('./data/../jobs.csv')).toBe('x');
    for (const bad of ['../secret.txt', 'data/../../secret.txt', '/etc/passwd', '.', '']) {
      expect(() => source.readFile(bad)).toThrow(/a scenario may name only files inside its own folder \(dc\)/);
    }
  });
});

describe('the report page', () => {
  it('embeds any JSON so that it parses back and cannot end its script element (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), (value, text) => {
        const doc = { value, text: `</script>${text}<!--` };
        const safe = scriptSafeJson(doc);
        expect(safe.includes('<')).toBe(false);
        expect(JSON.parse(safe)).toEqual(JSON.parse(JSON.stringify(doc)));
      }),
    );
  });

  it('keeps an inlined library from closing its script element', () => {
    expect(scriptSafeSource('a="</script>";b="</SCRIPT>";')).toBe('a="<\\/script>";b="<\\/SCRIPT>";');
  });

  it('thins a series to at most max+1 points, keeping the first and the last (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 5000 }), fc.integer({ min: 1, max: 2000 }), (values, max) => {
        const out = thin(values, max);
        expect(out.length).toBeLessThanOrEqual(max + 1);
        if (values.length <= max) expect(out).toEqual(values);
        if (values.length > 0) {
          expect(out[0]).toBe(values[0]);
          expect(out.at(-1)).toBe(values.at(-1));
        }
      }),
    );
  });
});
