// PodSpecSchema: a Kubernetes pod in the manifest's words; every rejection names its path.
import { describe, expect, it } from 'vitest';
import { parsePodSpec, type SchemaIssue } from '@strata/shared-types';
import { validationFailure } from './failure.js';

const MiB = 2 ** 20;
const issues = (input: unknown) => validationFailure(() => parsePodSpec(input)).details['issues'] as SchemaIssue[];
const app = (extra: Record<string, unknown> = {}) => ({ name: 'app', image: 'web', ...extra });

describe('parsePodSpec: accepted pods', () => {
  it('defaults: restartPolicy Always, no PID sharing, 30 s grace, empty resources', () => {
    expect(parsePodSpec({ name: 'web-1', containers: [app()] })).toEqual({
      name: 'web-1',
      containers: [{ name: 'app', image: 'web', resources: { requests: {}, limits: {} } }],
      restartPolicy: 'Always',
      shareProcessNamespace: false,
      terminationGracePeriodSeconds: 30,
    });
  });

  it('reads Kubernetes quantities; requests default to limits per resource (the API server\'s defaulting)', () => {
    const pod = parsePodSpec({
      name: 'p',
      restartPolicy: 'OnFailure',
      shareProcessNamespace: true,
      containers: [app({ resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: 0.25 } } }), { name: 'side', image: 'idle', command: 'sh' }],
    });
    expect(pod.containers[0]!.resources).toEqual({ requests: { cpu: 250, memory: 128 * MiB }, limits: { cpu: 500, memory: 128 * MiB } });
    expect(pod.containers[1]!.command).toBe('sh');
    expect(pod.restartPolicy).toBe('OnFailure');
    expect(pod.shareProcessNamespace).toBe(true);
  });

  it('takes program steps as a command', () => {
    const pod = parsePodSpec({ name: 'p', containers: [app({ command: [{ exit: 3 }] })] });
    expect(Array.isArray(pod.containers[0]!.command)).toBe(true);
  });
});

describe('parsePodSpec: rejections name the path', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['no containers', { name: 'p', containers: [] }, 'containers', /Required value/],
    ['missing containers', { name: 'p' }, 'containers', /./],
    ['upper-case pod name', { name: 'Web', containers: [app()] }, 'name', /RFC 1123 subdomain/],
    ['container name with a dot', { name: 'p', containers: [app({ name: 'a.b' })] }, 'containers[0].name', /RFC 1123 label/],
    ['duplicate container names', { name: 'p', containers: [app(), app()] }, 'containers[1].name', /Duplicate value: "app"/],
    ['unknown restart policy', { name: 'p', restartPolicy: 'Sometimes', containers: [app()] }, 'restartPolicy', /supported values/],
    ['bad memory quantity', { name: 'p', containers: [app({ resources: { limits: { memory: '128MB' } } })] }, 'containers[0].resources.limits.memory', /./],
    ['bad cpu quantity', { name: 'p', containers: [app({ resources: { requests: { cpu: '1Gi' } } })] }, 'containers[0].resources.requests.cpu', /./],
    ['request above limit', { name: 'p', containers: [app({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } })] }, 'containers[0].resources.requests.cpu', /must be less than or equal to cpu limit of 1/],
    ['memory request above limit', { name: 'p', containers: [app(), app({ name: 'b', resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } })] }, 'containers[1].resources.requests.memory', /memory limit of 512Mi/],
    ['unknown resource key', { name: 'p', containers: [app({ resources: { limits: { gpu: 1 } } })] }, 'containers[0].resources.limits', /gpu/],
    ['unknown container key', { name: 'p', containers: [app({ ports: [80] })] }, 'containers[0]', /ports/],
    ['negative grace period', { name: 'p', terminationGracePeriodSeconds: -1, containers: [app()] }, 'terminationGracePeriodSeconds', /./],
    ['bad program', { name: 'p', containers: [app({ command: [{ bogus: 1 }] })] }, 'containers[0].command', /./],
  ];
  for (const [what, input, path, message] of cases) {
    it(what, () => {
      const found = issues(input);
      const hit = found.find((i) => i.path === path || i.path.startsWith(`${path}.`) || i.path.startsWith(`${path}[`));
      expect(hit, JSON.stringify(found)).toBeDefined();
      expect(`${hit!.path}: ${hit!.message}`).toMatch(message);
    });
  }

  it('the error message carries the path and the source', () => {
    const e = validationFailure(() => parsePodSpec({ name: 'p', containers: [app({ resources: { limits: { memory: 'lots' } } })] }, 'pod.yaml'));
    expect(e.message).toContain('pod.yaml');
    expect(e.message).toContain('containers[0].resources.limits.memory');
  });
});
