// Loading Kubernetes manifests for `strata netpol`: multi-document YAML files, each document
// validated by the shared-types schema it declares, every error naming `file[index].field`.

import { compileIpBlock } from '@strata/core-network';
import { NamespaceSchema, NetworkPolicySchema, PodSchema, ValidationError, isStrataError, parseWithSchema } from '@strata/shared-types';
import type { NamespaceInput, NetworkPolicy, NetworkPolicyInput, PodInput, SchemaIssue } from '@strata/shared-types';
import type { CliIo } from './cli-io.js';
import { oneLine } from './error-report.js';
import { readInputText } from './input-file.js';
import type { PortProtocol } from './netpol-flags.js';

/** At most this many manifest files on one command line. */
export const MAX_NETPOL_FILES = 1000;
/** At most this many pods: 5,000² = 25 M ordered pairs. */
export const MAX_PODS = 5000;
/** At most this many NetworkPolicy documents. */
export const MAX_POLICIES = 10_000;
/** At most this many namespaces (given or implied). */
export const MAX_NAMESPACES = 10_000;
/** Namespaces every cluster has: a pod there without a Namespace document draws no warning. */
const BUILT_IN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
/** The network pods without `status.podIP` get their addresses from, in input order. */
export const ASSIGNED_POD_NETWORK = '10.244.0.0/16';

/** The manifests of a run, ready for `createPolicyEngine`, and the warnings to print. */
export interface NetpolManifests {
  readonly namespaces: NamespaceInput[];
  readonly pods: PodInput[];
  readonly policies: NetworkPolicyInput[];
  /** Each pod's (`ns/name`) container ports, distinct, in the order the containers list them. */
  readonly podPorts: ReadonlyMap<string, readonly PortProtocol[]>;
  /** Lines for stderr, without the `strata: warning: ` prefix. */
  readonly warnings: string[];
}

/** Where a document came from: `file[index]` (index 0-based over the file's documents). */
function at(file: string, index: number): string {
  return `${file}[${index}]`;
}

/** Validate `doc` with `schema`; a failure is one ValidationError listing every bad field as `file[i].path: message`. */
function validate<S extends Parameters<typeof parseWithSchema>[0]>(schema: S, doc: unknown, where: string): ReturnType<typeof parseWithSchema<S>> {
  try {
    return parseWithSchema(schema, doc, where);
  } catch (error) {
    if (!isStrataError(error) || error.code !== 'E_VALIDATION') throw error;
    const issues = (error.details as { issues?: SchemaIssue[] }).issues ?? [];
    const lines = issues.map((issue) => (issue.path === '' ? `${where}: ${issue.message}` : `${where}.${issue.path}: ${issue.message}`));
    throw new ValidationError(lines.length > 0 ? lines.join('; ') : `${where}: ${error.message}`, { where, issues }, { cause: error });
  }
}

/** Compile every ipBlock of a validated policy now, so that a bad CIDR is reported with its file and document. */
function checkIpBlocks(policy: NetworkPolicy, where: string): void {
  const directions = [
    ['ingress', 'from', policy.spec.ingress ?? []],
    ['egress', 'to', policy.spec.egress ?? []],
  ] as const;
  for (const [direction, field, rules] of directions) {
    rules.forEach((rule, r) => {
      const peers = 'from' in rule ? rule.from : 'to' in rule ? rule.to : undefined;
      (peers ?? []).forEach((peer, p) => {
        if (peer.ipBlock !== undefined) compileIpBlock(peer.ipBlock, `${where}.spec.${direction}[${r}].${field}[${p}].ipBlock`);
      });
    });
  }
}

/** The `n`-th address (0-based) of 10.244.0.0/16 after the network address: 10.244.0.1, 10.244.0.2, ... */
function assignedAddress(n: number): string {
  const host = n + 1;
  return `10.244.${Math.floor(host / 256)}.${host % 256}`;
}

/**
 * Read every file, split it into YAML documents and sort them by kind. Empty documents are
 * ignored; kinds other than Namespace, Pod and NetworkPolicy become warnings. Throws a
 * ValidationError naming the file, document and field for anything malformed, duplicated or
 * past the limits (MAX_PODS, MAX_POLICIES, MAX_NAMESPACES).
 */
export async function loadManifests(io: CliIo, files: readonly string[]): Promise<NetpolManifests> {
  if (files.length > MAX_NETPOL_FILES) throw new ValidationError(`FILE: expected at most ${MAX_NETPOL_FILES} manifest files, got ${files.length}`, { given: files.length });
  const yaml = await import('yaml');
  const warnings: string[] = [];
  const namespaces = new Map<string, { doc: NamespaceInput; where: string }>();
  const pods = new Map<string, { doc: PodInput; where: string; ip: string | undefined; ports: PortProtocol[] }>();
  const policies = new Map<string, { doc: NetworkPolicyInput; where: string }>();

  /** Sort one object (a document, or an item of a List document) by kind; `where` names it in messages. */
  const accept = (doc: unknown, where: string, file: string, index: number): void => {
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new ValidationError(`${where}: expected a Kubernetes object (a mapping with kind), got ${Array.isArray(doc) ? 'a list' : JSON.stringify(doc)}`, { path: file, document: index });
    const kind = (doc as { kind?: unknown }).kind;
    if (typeof kind !== 'string') throw new ValidationError(`${where}.kind: expected Namespace, Pod or NetworkPolicy (other kinds are skipped), got ${kind === undefined ? 'nothing' : JSON.stringify(kind)}`, { path: file, document: index });
    if (kind === 'List' || (kind.endsWith('List') && Array.isArray((doc as { items?: unknown }).items))) {
      // `kubectl get ... -o yaml` prints a List whose items are the objects.
      const items = (doc as { items?: unknown }).items;
      if (!Array.isArray(items)) throw new ValidationError(`${where}.items: expected the list's objects, got ${items === undefined ? 'nothing' : JSON.stringify(items)}`, { path: file, document: index });
      items.forEach((item, j) => accept(item, `${where}.items[${j}]`, file, index));
    } else if (kind === 'Namespace') {
      const ns = validate(NamespaceSchema, doc, where);
      const seen = namespaces.get(ns.metadata.name);
      if (seen !== undefined) throw new ValidationError(`${where}.metadata.name: Namespace ${ns.metadata.name} is also defined at ${seen.where}; give each namespace once`, { path: file, document: index });
      namespaces.set(ns.metadata.name, { doc: doc as NamespaceInput, where });
    } else if (kind === 'Pod') {
      const pod = validate(PodSchema, doc, where);
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      const seen = pods.get(key);
      if (seen !== undefined) throw new ValidationError(`${where}.metadata.name: Pod ${key} is also defined at ${seen.where}; pod names are unique within their namespace`, { path: file, document: index });
      if (pods.size >= MAX_PODS) throw new ValidationError(`${where}: more than ${MAX_PODS} pods (the pair count must stay at most 25,000,000); check fewer pods at once`, { path: file, document: index, limit: MAX_PODS });
      const ports: PortProtocol[] = [];
      for (const cp of (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? [])) {
        if (!ports.some((p) => p.port === cp.containerPort && p.protocol === cp.protocol)) ports.push({ port: cp.containerPort, protocol: cp.protocol });
      }
      pods.set(key, { doc: doc as PodInput, where, ip: pod.status?.podIP, ports });
    } else if (kind === 'NetworkPolicy') {
      const policy = validate(NetworkPolicySchema, doc, where);
      checkIpBlocks(policy, where);
      const key = `${policy.metadata.namespace}/${policy.metadata.name}`;
      const seen = policies.get(key);
      if (seen !== undefined) throw new ValidationError(`${where}.metadata.name: NetworkPolicy ${key} is also defined at ${seen.where}; policy names are unique within their namespace`, { path: file, document: index });
      if (policies.size >= MAX_POLICIES) throw new ValidationError(`${where}: more than ${MAX_POLICIES} network policies; check fewer at once`, { path: file, document: index, limit: MAX_POLICIES });
      policies.set(key, { doc: doc as NetworkPolicyInput, where });
    } else {
      warnings.push(`${where}: skipped kind ${kind}`);
    }
  };

  for (const file of files) {
    const text = readInputText(io, file);
    const documents = yaml.parseAllDocuments(text, { prettyErrors: false });
    if (!Array.isArray(documents)) throw new ValidationError(`${file}: not valid YAML`, { path: file });
    documents.forEach((document, index) => {
      const where = at(file, index);
      const error = document.errors[0];
      if (error !== undefined) throw new ValidationError(`${where}: not valid YAML: ${oneLine((error.message.split('\n\n')[0] ?? '').trim())}`, { path: file, document: index });
      let doc: unknown;
      try {
        doc = document.toJS({ maxAliasCount: 100 });
      } catch (cause) {
        throw new ValidationError(`${where}: not valid YAML: ${oneLine((cause as Error).message)}`, { path: file, document: index }, { cause });
      }
      if (doc === null || doc === undefined) return;
      accept(doc, where, file, index);
    });
  }

  // Namespaces named by pods or policies but not given are created with only their name label.
  const implied = new Map<string, string>();
  for (const [key, entry] of [...pods, ...policies]) {
    const ns = key.slice(0, key.indexOf('/'));
    if (!namespaces.has(ns) && !implied.has(ns)) implied.set(ns, entry.where);
  }
  if (namespaces.size + implied.size > MAX_NAMESPACES) throw new ValidationError(`more than ${MAX_NAMESPACES} namespaces (given and implied: ${namespaces.size + implied.size}); check fewer at once`, { limit: MAX_NAMESPACES });
  for (const [ns, where] of implied) {
    if (!BUILT_IN_NAMESPACES.has(ns)) warnings.push(`${where}: namespace ${ns} has no Namespace document; assumed with the single label kubernetes.io/metadata.name=${ns}`);
  }

  // Pods without status.podIP get the next free address of ASSIGNED_POD_NETWORK, in input order.
  const taken = new Set([...pods.values()].map((p) => p.ip).filter((ip) => ip !== undefined));
  let next = 0;
  const podList = [...pods.values()].map(({ doc, ip }) => {
    if (ip !== undefined) return doc;
    while (taken.has(assignedAddress(next))) next += 1;
    const address = assignedAddress(next);
    next += 1;
    return { ...doc, status: { ...doc.status, podIP: address } };
  });

  return {
    namespaces: [...[...namespaces.values()].map((n) => n.doc), ...[...implied.keys()].map((name) => ({ apiVersion: 'v1' as const, kind: 'Namespace' as const, metadata: { name } }))],
    pods: podList,
    policies: [...policies.values()].map((p) => p.doc),
    podPorts: new Map([...pods].map(([key, p]) => [key, p.ports])),
    warnings,
  };
}
