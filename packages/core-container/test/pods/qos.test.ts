// QoS classes (GetPodQOS), oom_score_adj (kubelet qos/policy.go) and the pod cgroup (ResourceConfigForPod),
// as pure rules and as the kernel shows them for a running pod.
import { describe, expect, it } from 'vitest';
import { parsePodSpec, type PodSpecInput } from '@strata/shared-types';
import { containerOomScoreAdj, podQosClass, POD_INFRA_OOM_SCORE_ADJ, type PodQosClass } from '../../src/pods/qos.js';
import { cpuSharesToWeight } from '../../src/engine/cgroup-limits.js';
import { milliCpuToQuota, milliCpuToShares, podCgroupPath, podCgroupWrites } from '../../src/pods/pod-cgroup.js';
import { container, pods, GiB, MiB } from './pod-fixture.js';

type Res = { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } };
const spec = (...resources: Res[]) => parsePodSpec({ name: 'p', containers: resources.map((r, i) => ({ name: `c${i}`, image: 'idle', resources: r })) });

describe('podQosClass (GetPodQOS)', () => {
  const table: [string, Res[], PodQosClass][] = [
    ['no resources at all', [{}], 'BestEffort'],
    ['two containers without resources', [{}, {}], 'BestEffort'],
    ['zero quantities count as none', [{ requests: { cpu: '0', memory: '0' } }], 'BestEffort'],
    ['limits only (requests default to them)', [{ limits: { cpu: '500m', memory: '128Mi' } }], 'Guaranteed'],
    ['requests equal to limits', [{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } }], 'Guaranteed'],
    ['every container guaranteed', [{ limits: { cpu: '1', memory: '1Gi' } }, { limits: { cpu: '250m', memory: '64Mi' } }], 'Guaranteed'],
    ['cpu request below its limit', [{ requests: { cpu: '250m' }, limits: { cpu: '500m', memory: '128Mi' } }], 'Burstable'],
    ['memory limit only', [{ limits: { memory: '128Mi' } }], 'Burstable'],
    ['cpu limit only', [{ limits: { cpu: '1' } }], 'Burstable'],
    ['requests only', [{ requests: { cpu: '100m', memory: '64Mi' } }], 'Burstable'],
    ['one guaranteed container beside a best-effort one', [{ limits: { cpu: '1', memory: '1Gi' } }, {}], 'Burstable'],
    ['a zero limit does not count as a limit', [{ requests: { cpu: '0' }, limits: { cpu: '0', memory: '128Mi' } }], 'Burstable'],
  ];
  for (const [what, resources, qos] of table) it(`${what} → ${qos}`, () => expect(podQosClass(spec(...resources))).toBe(qos));
});

describe('containerOomScoreAdj (kubelet qos/policy.go)', () => {
  const machine = 8 * GiB;
  const table: [string, PodQosClass, number, number][] = [
    ['Guaranteed', 'Guaranteed', 1 * GiB, -997],
    ['BestEffort', 'BestEffort', 0, 1000],
    ['Burstable, 10% of the machine → 900', 'Burstable', Math.ceil((8 * GiB) / 10), 900],
    ['Burstable, half the machine → 500', 'Burstable', 4 * GiB, 500],
    ['Burstable, no memory request → 1000 → 999 (below BestEffort)', 'Burstable', 0, 999],
    ['Burstable, under 1/1000 of the machine → 999', 'Burstable', 8 * MiB, 999],
    ['Burstable, integer division truncates (1000 − 1)', 'Burstable', Math.ceil(machine / 1000) + 1, 999],
    ['Burstable, 2/1000 exactly → 998', 'Burstable', 2 * 8_589_935, 999 - 1],
    ['Burstable, 99.7% of the machine → 3 (the floor, 1000 − 997)', 'Burstable', Math.floor(machine * 0.997) + 1000, 3],
    ['Burstable, all of the machine → clamped up to 3', 'Burstable', machine, 3],
    ['Burstable, more than the machine → 3', 'Burstable', 2 * machine, 3],
    ['Burstable, 99.6% → 4 (just above the floor)', 'Burstable', Math.floor(machine * 0.996) + 1000, 4],
  ];
  for (const [what, qos, request, adj] of table) it(`${what}`, () => expect(containerOomScoreAdj(qos, request, machine)).toBe(adj));

  it('is 1000 − ⌊1000·req/mem⌋ for every Burstable request between the clamps', () => {
    for (let permille = 2; permille <= 996; permille += 7) {
      const req = Math.floor((machine * permille) / 1000) + 1;
      expect(containerOomScoreAdj('Burstable', req, machine)).toBe(1000 - permille);
    }
  });
});

describe('pod cgroup (ResourceConfigForPod, helpers_linux.go)', () => {
  it('MilliCPUToShares and MilliCPUToQuota', () => {
    expect([0, 1, 2, 500, 1000, 1500, 300_000].map(milliCpuToShares)).toEqual([2, 2, 2, 512, 1024, 1536, 262_144]);
    expect([0, 1, 5, 10, 250, 1000].map(milliCpuToQuota)).toEqual([null, 1000, 1000, 1000, 25_000, 100_000]);
  });

  it('paths: Guaranteed under /kubepods, the others under their class', () => {
    expect(podCgroupPath('Guaranteed', 'u1')).toBe('/kubepods/podu1');
    expect(podCgroupPath('Burstable', 'u1')).toBe('/kubepods/burstable/podu1');
    expect(podCgroupPath('BestEffort', 'u1')).toBe('/kubepods/besteffort/podu1');
  });

  it('Guaranteed: weight from summed requests, cpu.max and memory.max from summed limits', () => {
    const s = spec({ limits: { cpu: '500m', memory: '128Mi' } }, { limits: { cpu: '1', memory: '64Mi' } });
    // shares 1536 → cpu.weight by runc's conversion (the engine's cpuSharesToWeight): 138
    expect(cpuSharesToWeight(1536)).toBe(138);
    expect(podCgroupWrites(s, 'Guaranteed')).toEqual([['cpu.weight', '138'], ['cpu.max', '150000 100000'], ['memory.max', String(192 * MiB)]]);
  });

  it('Burstable: cpu.max / memory.max only when every container declares that limit; BestEffort: shares 2 only', () => {
    expect(podCgroupWrites(spec({ requests: { cpu: '1' }, limits: { memory: '1Gi' } }, { limits: { memory: '1Gi' } }), 'Burstable')).toEqual([['cpu.weight', '100'], ['memory.max', String(2 * GiB)]]);
    expect(podCgroupWrites(spec({ limits: { cpu: '1' } }, {}), 'Burstable').map(([f]) => f)).toEqual(['cpu.weight']);
    expect(podCgroupWrites(spec({}), 'BestEffort')).toEqual([['cpu.weight', '1']]);
  });
});

describe('a running pod as the kernel shows it', () => {
  const make = (input: PodSpecInput) => {
    const m = pods({ memory: 8 * GiB });
    m.createPod(input);
    return { m, k: m.engine.kernel, s: m.pod(input.name) };
  };

  it('Guaranteed: /kubepods/pod<uid>, its files, containers under it with their own limits and oom_score_adj −997; the sandbox −998', () => {
    const { m, k, s } = make({ name: 'g', containers: [{ name: 'app', image: 'web', resources: { limits: { cpu: '500m', memory: '128Mi' } } }] });
    expect(s.qosClass).toBe('Guaranteed');
    expect(s.cgroupPath).toBe(`/kubepods/pod${s.uid}`);
    expect(s.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(k.read(s.cgroupPath, 'cpu.max').trim()).toBe('50000 100000');
    expect(k.read(s.cgroupPath, 'memory.max').trim()).toBe(String(128 * MiB));
    const app = container(m, 'g', 'app');
    const cg = k.process(app.pid).cgroup;
    expect(cg).toBe(`${s.cgroupPath}/${app.containerId}`);
    expect(k.read(cg, 'cpu.max').trim()).toBe('50000 100000');
    expect(k.read(cg, 'memory.max').trim()).toBe(String(128 * MiB));
    expect(k.read(cg, 'memory.swap.max').trim()).toBe('0');
    expect(k.read(cg, 'cpu.weight').trim()).toBe('59'); // 500m → shares 512 → weight 59
    expect(k.process(app.pid).oomScoreAdj).toBe(-997);
    expect(app.oomScoreAdj).toBe(-997);
    expect(k.process(s.sandbox.pid).oomScoreAdj).toBe(POD_INFRA_OOM_SCORE_ADJ);
    expect(k.process(s.sandbox.pid).cgroup).toBe(`${s.cgroupPath}/${s.sandbox.containerId}`);
    expect(k.read(`${s.cgroupPath}/${s.sandbox.containerId}`, 'cpu.weight').trim()).toBe('1'); // shares 2
  });

  it('Burstable: /kubepods/burstable/pod<uid>; oom_score_adj from the memory request over the machine\'s memory', () => {
    const { m, k, s } = make({ name: 'b', containers: [{ name: 'a', image: 'idle', resources: { requests: { memory: '2Gi', cpu: '250m' } } }, { name: 'z', image: 'idle' }] });
    expect(s.qosClass).toBe('Burstable');
    expect(s.cgroupPath).toBe(`/kubepods/burstable/pod${s.uid}`);
    expect(k.process(container(m, 'b', 'a').pid).oomScoreAdj).toBe(750);
    expect(k.process(container(m, 'b', 'z').pid).oomScoreAdj).toBe(999);
    expect(k.read(s.cgroupPath, 'memory.max').trim()).toBe('max');
    expect(k.read(k.process(container(m, 'b', 'z').pid).cgroup, 'cpu.weight').trim()).toBe('1'); // no request → shares 2
  });

  it('BestEffort: /kubepods/besteffort/pod<uid>, oom_score_adj 1000, pod cpu.weight from shares 2', () => {
    const { m, k, s } = make({ name: 'e', containers: [{ name: 'a', image: 'idle' }] });
    expect(s.cgroupPath).toBe(`/kubepods/besteffort/pod${s.uid}`);
    expect(k.process(container(m, 'e', 'a').pid).oomScoreAdj).toBe(1000);
    expect(k.read(s.cgroupPath, 'cpu.weight').trim()).toBe('1');
  });
});
