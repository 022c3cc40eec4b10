// The manifest schemas: API server defaulting, and rejections that name the path, what is accepted and what was given.
import { describe, expect, it } from 'vitest';
import { NamespaceSchema, NetworkPolicySchema, parseWithSchema, PodSchema, ValidationError, type SchemaIssue } from '@strata/shared-types';

const parsePolicy = (spec: unknown, metadata: unknown = { name: 'p', namespace: 'x' }) => parseWithSchema(NetworkPolicySchema, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec }, 'network policy');

function issues(fn: () => unknown): SchemaIssue[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.details['issues'] as SchemaIssue[];
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('NetworkPolicy schema defaulting', () => {
  it('defaults policyTypes as the API server does', () => {
    expect(parsePolicy({ podSelector: {} }).spec.policyTypes).toEqual(['Ingress']);
    expect(parsePolicy({ podSelector: {}, egress: [] }).spec.policyTypes).toEqual(['Ingress']);
    expect(parsePolicy({ podSelector: {}, egress: [{}] }).spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(parsePolicy({ podSelector: {}, policyTypes: [], egress: [{}] }).spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(parsePolicy({ podSelector: {}, policyTypes: ['Egress'], ingress: [{}] }).spec.policyTypes).toEqual(['Egress']);
  });

  it('defaults protocols to TCP and the namespace to default', () => {
    const policy = parsePolicy({ podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] }, { name: 'p' });
    expect(policy.metadata.namespace).toBe('default');
    expect(policy.spec.ingress?.[0]?.ports?.[0]?.protocol).toBe('TCP');
    const pod = parseWithSchema(PodSchema, { metadata: { name: 'a' }, spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 80 }] }] } }, 'pod');
    expect(pod.spec?.containers[0]?.ports?.[0]?.protocol).toBe('TCP');
  });

  it('accepts and drops metadata fields it does not use', () => {
    const ns = parseWithSchema(NamespaceSchema, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', uid: '123', annotations: { a: 'b' } } }, 'namespace');
    expect(ns.metadata).toEqual({ name: 'x' });
  });
});

describe('NetworkPolicy schema rejections name the path', () => {
  it.each([
    [{ podSelector: {}, ingress: [{ ports: [{ port: 81, endPort: 80 }] }] }, 'spec.ingress[0].ports[0].endPort', 'expected endPort at least port 81, got 80'],
    [{ podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 90 }] }] }, 'spec.ingress[0].ports[0].endPort', 'endPort needs a numeric port, got port "http"'],
    [{ podSelector: {}, ingress: [{ ports: [{ protocol: 'ICMP' }] }] }, 'spec.ingress[0].ports[0].protocol', 'expected "TCP" or "UDP" or "SCTP", got "ICMP"'],
    [{ podSelector: {}, egress: [{ ports: [{ port: 70000 }] }] }, 'spec.egress[0].ports[0].port', undefined],
    [{ podSelector: {}, egress: [{ to: [{}] }] }, 'spec.egress[0].to[0]', 'a peer needs one of podSelector, namespaceSelector or ipBlock, got none'],
    [{ podSelector: {}, egress: [{ to: [{ podSelector: {}, ipBlock: { cidr: '10.0.0.0/8' } }] }] }, 'spec.egress[0].to[0]', 'give either ipBlock or podSelector/namespaceSelector in one peer, not both'],
    [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] } }, 'spec.podSelector.matchExpressions[0].values', 'operator In needs at least one value, got none'],
    [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'Exists', values: ['a'] }] } }, 'spec.podSelector.matchExpressions[0].values', 'operator Exists takes no values, got 1'],
    [{ podSelector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['a'] }] } }, 'spec.podSelector.matchExpressions[0].operator', 'expected "In" or "NotIn" or "Exists" or "DoesNotExist", got "Equals"'],
    [{ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.300/8' } }] }] }, 'spec.ingress[0].from[0].ipBlock.cidr', undefined],
    [{ podSelector: {}, policyTypes: ['Inbound'] }, 'spec.policyTypes[0]', 'expected "Ingress" or "Egress", got "Inbound"'],
    [{}, 'spec.podSelector', 'required'],
    [{ podSelector: {}, ingres: [] }, 'spec.ingres', undefined],
    [{ podSelector: { matchLabels: { 'bad key!': 'a' } } }, 'spec.podSelector.matchLabels["bad key!"]', undefined],
    [{ podSelector: { matchLabels: { app: '-web' } } }, 'spec.podSelector.matchLabels.app', 'expected a label value: empty, or 1-63 of A-Z, a-z, 0-9, "-", "_", "." starting and ending alphanumeric'],
  ])('%j → %s', (spec, path, message) => {
    const found = issues(() => parsePolicy(spec));
    expect(found.map((i) => i.path)).toContain(path);
    if (message !== undefined) expect(found.find((i) => i.path === path)?.message).toBe(message);
  });

  it('an unknown spec field suggests the right one', () => {
    expect(issues(() => parsePolicy({ podSelector: {}, ingres: [] }))[0]?.message).toMatch(/^unknown field \(did you mean "ingress"\?\)/);
  });

  it('the whole message names the object kind and path', () => {
    expect(() => parseWithSchema(PodSchema, { metadata: { name: 'A_b' } }, 'pod')).toThrow(/^invalid pod: metadata\.name: expected a lowercase DNS name/);
    expect(() => parseWithSchema(PodSchema, { metadata: { name: 'a' }, status: { podIP: '10.0.0' } }, 'pod')).toThrow(/^invalid pod: status\.podIP: /);
    expect(() => parseWithSchema(NamespaceSchema, { metadata: { name: 'a.b' } }, 'namespace')).toThrow(/^invalid namespace: metadata\.name: expected a namespace name/);
    expect(parseWithSchema(NamespaceSchema, { metadata: { name: 'a', labels: { 'kubernetes.io/metadata.name': 'a', empty: '' } } }, 'namespace').metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'a', empty: '' });
  });
});
