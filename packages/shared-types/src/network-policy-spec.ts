// Kubernetes Namespace, Pod and NetworkPolicy (networking.k8s.io/v1) manifests as the API server
// writes them, validated the way it validates them (pkg/apis/networking/validation) and defaulted
// the way it defaults them (pkg/apis/networking/v1/defaults.go). Only the fields network policy
// needs are checked; metadata and pod specs may carry any other field (they are dropped).
import { z } from 'zod';

/** A Kubernetes object name (RFC 1123 label for namespaces, subdomain for pods and policies). */
const DNS_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const NameField = z.string().regex(DNS_NAME, { message: 'expected a lowercase DNS name such as "web-1" (a-z, 0-9, "-", "."), at most 253 characters' });

/** A label key: an optional DNS subdomain prefix and `/`, then a name of 1..63 alphanumerics, '-', '_', '.' (k8s.io/apimachinery IsQualifiedName). */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A label value: empty, or 1..63 alphanumerics, '-', '_', '.', starting and ending alphanumeric (IsValidLabelValue). */
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const LabelKey = z
  .string()
  .max(317)
  .regex(LABEL_KEY, { message: 'expected a label key such as "app" or "example.com/tier": an optional DNS prefix and "/", then 1-63 of A-Z, a-z, 0-9, "-", "_", "." starting and ending alphanumeric' });
const LabelValue = z.string().regex(LABEL_VALUE, { message: 'expected a label value: empty, or 1-63 of A-Z, a-z, 0-9, "-", "_", "." starting and ending alphanumeric' });

/** Labels: key → value (`app: web`). */
export const LabelsSchema = z.record(LabelKey, LabelValue);

/** The four label selector operators. */
export const LABEL_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** One `matchExpressions` entry: In/NotIn need a non-empty `values`, Exists/DoesNotExist take none. */
export const LabelSelectorRequirementSchema = z
  .strictObject({
    key: LabelKey,
    operator: z.enum(LABEL_SELECTOR_OPERATORS),
    values: z.array(LabelValue).optional(),
  })
  .superRefine((req, ctx) => {
    const n = req.values?.length ?? 0;
    if ((req.operator === 'In' || req.operator === 'NotIn') && n === 0) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `operator ${req.operator} needs at least one value, got none`, input: req.values });
    }
    if ((req.operator === 'Exists' || req.operator === 'DoesNotExist') && n > 0) {
      ctx.addIssue({ code: 'custom', path: ['values'], message: `operator ${req.operator} takes no values, got ${n}`, input: req.values });
    }
  });

/** A label selector: `{}` selects everything; all matchLabels and matchExpressions must hold (AND). */
export const LabelSelectorSchema = z.strictObject({
  matchLabels: LabelsSchema.optional(),
  matchExpressions: z.array(LabelSelectorRequirementSchema).optional(),
});

/** A namespace name is an RFC 1123 label: at most 63 characters, no dots. */
const NamespaceName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, { message: 'expected a namespace name such as "team-a" (1-63 of a-z, 0-9, "-", starting and ending alphanumeric)' });
/** Metadata of a Namespace: a name and labels; other metadata fields are accepted and dropped. */
const ClusterMetadata = z.object({ name: NamespaceName, labels: LabelsSchema.optional() });
/** Metadata of a namespaced object: `namespace` defaults to "default", as kubectl does. */
const NamespacedMetadata = z.object({ name: NameField, namespace: NamespaceName.default('default'), labels: LabelsSchema.optional() });

/** A v1 Namespace manifest. */
export const NamespaceSchema = z.object({
  apiVersion: z.literal('v1').optional(),
  kind: z.literal('Namespace').optional(),
  metadata: ClusterMetadata,
});

/** The protocols a NetworkPolicy port and a container port may name. */
export const NETWORK_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const Protocol = z.enum(NETWORK_PROTOCOLS);
const PortNumber = z.int().min(1).max(65535);
/** An IANA service name as a named port: 1..15 lowercase letters, digits and '-', at least one letter. */
const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/;
const PortName = z.string().regex(PORT_NAME, { message: 'expected a port name such as "http" (1-15 of a-z, 0-9, "-", with a letter)' });

/** A container port; `protocol` defaults to TCP. */
export const ContainerPortSchema = z.object({
  name: PortName.optional(),
  containerPort: PortNumber,
  protocol: Protocol.default('TCP'),
});

/** A v1 Pod manifest: labels, container ports (for named ports) and status IPs (for ipBlock). */
export const PodSchema = z.object({
  apiVersion: z.literal('v1').optional(),
  kind: z.literal('Pod').optional(),
  metadata: NamespacedMetadata,
  spec: z
    .object({
      containers: z.array(z.object({ name: z.string().min(1), ports: z.array(ContainerPortSchema).optional() })).min(1),
    })
    .optional(),
  status: z
    .object({
      podIP: z.union([z.ipv4(), z.ipv6()]).optional(),
      podIPs: z.array(z.object({ ip: z.union([z.ipv4(), z.ipv6()]) })).optional(),
    })
    .optional(),
});

/** An IP block: `cidr` minus every `except` CIDR. */
/** An IPv4 or IPv6 CIDR; a bad one is reported with what was given and what is accepted. */
const CidrSchema = z.union([z.cidrv4(), z.cidrv6()], {
  error: (issue) => `${issue.input === undefined ? 'nothing' : JSON.stringify(issue.input)} is not a CIDR; expected an IPv4 or IPv6 CIDR such as "10.0.0.0/8" or "fd00::/64"`,
});

export const IPBlockSchema = z.strictObject({
  cidr: CidrSchema,
  except: z.array(CidrSchema).optional(),
});

/** A peer: an ipBlock, or a podSelector and/or namespaceSelector (both: AND). Never both kinds, never neither. */
export const NetworkPolicyPeerSchema = z
  .strictObject({
    podSelector: LabelSelectorSchema.optional(),
    namespaceSelector: LabelSelectorSchema.optional(),
    ipBlock: IPBlockSchema.optional(),
  })
  .superRefine((peer, ctx) => {
    const selectors = peer.podSelector !== undefined || peer.namespaceSelector !== undefined;
    if (peer.ipBlock !== undefined && selectors) {
      ctx.addIssue({ code: 'custom', message: 'give either ipBlock or podSelector/namespaceSelector in one peer, not both', input: peer });
    } else if (peer.ipBlock === undefined && !selectors) {
      ctx.addIssue({ code: 'custom', message: 'a peer needs one of podSelector, namespaceSelector or ipBlock, got none', input: peer });
    }
  });

/** A port entry: protocol (default TCP), a port number or name (omitted: all ports), an endPort for a numeric range. */
export const NetworkPolicyPortSchema = z
  .strictObject({
    protocol: Protocol.default('TCP'),
    port: z.union([PortNumber, PortName]).optional(),
    endPort: PortNumber.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.endPort === undefined) return;
    if (typeof p.port !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['endPort'], message: `endPort needs a numeric port, got ${p.port === undefined ? 'no port' : `port ${JSON.stringify(p.port)}`}`, input: p.endPort });
    } else if (p.endPort < p.port) {
      ctx.addIssue({ code: 'custom', path: ['endPort'], message: `expected endPort at least port ${p.port}, got ${p.endPort}`, input: p.endPort });
    }
  });

/** An ingress rule: traffic from one of `from` (omitted/empty: anyone) to one of `ports` (omitted/empty: any). */
export const NetworkPolicyIngressRuleSchema = z.strictObject({
  from: z.array(NetworkPolicyPeerSchema).optional(),
  ports: z.array(NetworkPolicyPortSchema).optional(),
});

/** An egress rule: traffic to one of `to` (omitted/empty: anyone) on one of `ports` (omitted/empty: any). */
export const NetworkPolicyEgressRuleSchema = z.strictObject({
  to: z.array(NetworkPolicyPeerSchema).optional(),
  ports: z.array(NetworkPolicyPortSchema).optional(),
});

/** The two policy types. */
export const POLICY_TYPES = ['Ingress', 'Egress'] as const;

/**
 * A networking.k8s.io/v1 NetworkPolicy manifest. Defaulting as the API server does: when
 * `policyTypes` is omitted or empty it becomes `["Ingress"]`, plus `"Egress"` when `egress`
 * has at least one rule (`egress: []` does not count).
 */
export const NetworkPolicySchema = z.object({
  apiVersion: z.literal('networking.k8s.io/v1').optional(),
  kind: z.literal('NetworkPolicy').optional(),
  metadata: NamespacedMetadata,
  spec: z
    .strictObject({
      podSelector: LabelSelectorSchema,
      policyTypes: z.array(z.enum(POLICY_TYPES)).optional(),
      ingress: z.array(NetworkPolicyIngressRuleSchema).optional(),
      egress: z.array(NetworkPolicyEgressRuleSchema).optional(),
    })
    .transform((spec) => {
      const policyTypes: ('Ingress' | 'Egress')[] =
        spec.policyTypes !== undefined && spec.policyTypes.length > 0
          ? [...new Set(spec.policyTypes)]
          : (spec.egress ?? []).length > 0
            ? ['Ingress', 'Egress']
            : ['Ingress'];
      return { ...spec, policyTypes };
    }),
});

export type Labels = z.output<typeof LabelsSchema>;
export type LabelSelector = z.output<typeof LabelSelectorSchema>;
export type LabelSelectorRequirement = z.output<typeof LabelSelectorRequirementSchema>;
export type LabelSelectorOperator = (typeof LABEL_SELECTOR_OPERATORS)[number];
export type NetworkProtocol = (typeof NETWORK_PROTOCOLS)[number];
export type PolicyType = (typeof POLICY_TYPES)[number];
export type Namespace = z.output<typeof NamespaceSchema>;
export type NamespaceInput = z.input<typeof NamespaceSchema>;
export type Pod = z.output<typeof PodSchema>;
export type PodInput = z.input<typeof PodSchema>;
export type ContainerPort = z.output<typeof ContainerPortSchema>;
export type IPBlock = z.output<typeof IPBlockSchema>;
export type NetworkPolicyPeer = z.output<typeof NetworkPolicyPeerSchema>;
export type NetworkPolicyPort = z.output<typeof NetworkPolicyPortSchema>;
export type NetworkPolicyIngressRule = z.output<typeof NetworkPolicyIngressRuleSchema>;
export type NetworkPolicyEgressRule = z.output<typeof NetworkPolicyEgressRuleSchema>;
export type NetworkPolicy = z.output<typeof NetworkPolicySchema>;
export type NetworkPolicyInput = z.input<typeof NetworkPolicySchema>;
