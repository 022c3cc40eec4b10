// Invariants over random pods: the kernel shows each container's QoS-derived oom_score_adj and cgroup
// placement; restart counts never fall; after deletion nothing of a pod is left (no process, cgroup or
// engine container).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePodSpec, type PodSpecInput } from '@strata/shared-types';
import { containerOomScoreAdj, podQosClass } from '../../src/pods/qos.js';
import { pods, S, GiB } from './pod-fixture.js';

const quantity = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const resources = fc.record({
  requests: quantity(fc.record({ cpu: quantity(fc.constantFrom('100m', '250m', '1')), memory: quantity(fc.constantFrom('64Mi', '512Mi', '1Gi')) })),
  limits: quantity(fc.record({ cpu: quantity(fc.constantFrom('1', '2')), memory: quantity(fc.constantFrom('1Gi', '2Gi')) })),
});
const containerArb = fc.record({ image: fc.constantFrom('web', 'idle', 'crasher', 'batch'), resources });
const podArb = fc.record({
  containers: fc.array(containerArb, { minLength: 1, maxLength: 3 }),
  restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'),
  shareProcessNamespace: fc.boolean(),
});

/** Drop undefined keys (the schema is strict about present-but-undefined only through its types). */
const clean = (v: unknown): unknown => (v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, clean(x)])) : Array.isArray(v) ? v.map(clean) : v);

describe('pod invariants (fast-check)', () => {
  it('random pods: oom_score_adj and cgroups as the rules say, restart counts monotone, nothing left after deletion', () => {
    fc.assert(
      fc.property(fc.array(podArb, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 120 }), fc.integer({ min: 0, max: 5 }), (specs, runS, grace) => {
        const m = pods({ memory: 8 * GiB });
        const k = m.engine.kernel;
        const inputs: PodSpecInput[] = [];
        specs.forEach((s, i) => {
          const input = clean({ name: `p${i}`, restartPolicy: s.restartPolicy, shareProcessNamespace: s.shareProcessNamespace, containers: s.containers.map((c, j) => ({ name: `c${j}`, ...c })) }) as PodSpecInput;
          // Requests here never exceed limits (≤ 1 CPU and ≤ 1Gi against ≥ 1 and ≥ 1Gi), so every pod is accepted.
          m.createPod(input);
          inputs.push(input);
        });
        for (const input of inputs) {
          const st = m.pod(input.name);
          const qos = podQosClass(parsePodSpec(input));
          expect(st.qosClass).toBe(qos);
          for (const c of st.containerStatuses) {
            if (c.pid === 0) continue;
            const req = parsePodSpec(input).containers.find((x) => x.name === c.name)!.resources.requests.memory ?? 0;
            expect(k.process(c.pid).oomScoreAdj).toBe(containerOomScoreAdj(qos, req, k.memory));
            expect(k.process(c.pid).cgroup).toBe(`${st.cgroupPath}/${c.containerId}`);
          }
        }
        const before = new Map(inputs.flatMap((p) => m.pod(p.name).containerStatuses.map((c) => [`${p.name}/${c.name}`, c.restartCount] as const)));
        m.advanceTo(runS * S);
        for (const input of inputs) {
          for (const c of m.pod(input.name).containerStatuses) expect(c.restartCount).toBeGreaterThanOrEqual(before.get(`${input.name}/${c.name}`)!);
        }
        const uids = inputs.map((p) => m.pod(p.name).uid);
        for (const input of inputs) m.deletePod(input.name, { gracePeriod: grace });
        m.advanceTo(m.now() + (grace + 1) * S);
        expect(m.pods()).toEqual([]);
        for (const uid of uids) {
          expect(k.cgroups().filter((c) => c.includes(uid))).toEqual([]);
          expect(k.processes().filter((p) => p.exit === null && p.cgroup.includes(uid))).toEqual([]);
          expect(m.engine.ps({ all: true }).filter((c) => c.name.includes(uid))).toEqual([]);
        }
        return true;
      }),
      { seed: 4242, numRuns: 25 },
    );
  });
});
