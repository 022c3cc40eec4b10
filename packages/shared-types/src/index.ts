// @strata/shared-types: the vocabulary every Strata package speaks.

export {
  ERROR_CODES,
  StrataError,
  ValidationError,
  NotFoundError,
  ConflictError,
  InvalidTransitionError,
  InsufficientResourcesError,
  ScheduleInPastError,
  LimitExceededError,
  InternalError,
  isStrataError,
  shownValue,
} from './errors.js';
export type { ErrorCode, ErrorDetails } from './errors.js';

export { ID_PATTERN, hostId, vmId, containerId, networkId, taskId, groupId } from './ids.js';
export type { Brand, HostId, VmId, ContainerId, NetworkId, TaskId, GroupId } from './ids.js';

export { micros, bytes, bytesPerSecond, cpuMillis, MICROS_PER_MS, MICROS_PER_SECOND, MICROS_PER_MINUTE, MICROS_PER_HOUR } from './units.js';
export type { Micros, Bytes, BytesPerSecond, CpuMillis } from './units.js';

export { NO_EVENTS } from './events.js';
export type {
  DomainEventBase,
  DomainEventOf,
  DomainEvent,
  FlowStartedEvent,
  FlowCompletedEvent,
  FlowDroppedEvent,
  NetworkCreatedEvent,
  NetworkRemovedEvent,
  EndpointAttachedEvent,
  EndpointDetachedEvent,
  PortPublishedEvent,
  ProcessExit,
  ProcessExitedEvent,
  CgroupThrottledEvent,
  MemoryHighExceededEvent,
  MemoryOomKillEvent,
  PidsForkFailedEvent,
  VmPhaseName,
  VmCrashReason,
  VmDefinedEvent,
  VmUndefinedEvent,
  VmStateChangedEvent,
  VmBootedEvent,
  VmCrashedEvent,
  VmShutdownTimedOutEvent,
  VmSavedEvent,
  VmRestoredEvent,
  VmOomKilledEvent,
  BalloonTargetReachedEvent,
  BalloonDeflatedOnOomEvent,
  DeviceIoCompletedEvent,
  MigrationStartedEvent,
  MigrationRoundEvent,
  MigrationCompletedEvent,
  MigrationFailedEvent,
} from './events.js';

export { parseDuration, formatDuration, DURATION_PATTERN, DURATION_FORMS } from './duration.js';
export type { DurationUnit, ParseDurationOptions } from './duration.js';
export { parseMemory, formatMemory, parseCpu, formatCpu, MEMORY_PATTERN, CPU_PATTERN, MEMORY_FORMS, CPU_FORMS } from './kubernetes-quantity.js';
export {
  parseDockerMemory,
  formatDockerMemory,
  parseDockerCpus,
  formatDockerCpus,
  DOCKER_MEMORY_PATTERN,
  DOCKER_MEMORY_FORMS,
  DOCKER_CPUS_FORMS,
} from './docker-quantity.js';
export { parseBandwidth, formatBandwidth, BANDWIDTH_PATTERN, BANDWIDTH_FORMS } from './bandwidth.js';
export { MAX_QUANTITY_LENGTH } from './quantity-error.js';
export type { QuantityErrorReason } from './quantity-error.js';

export {
  DurationSchema,
  MemorySchema,
  CpuSchema,
  BandwidthSchema,
  durationSchema,
  memorySchema,
  cpuSchema,
  bandwidthSchema,
} from './quantity-schemas.js';
export type { QuantityBounds, QuantityInput, QuantitySchema } from './quantity-schemas.js';
export { parseWithSchema, schemaIssues, formatIssuePath } from './parse-with-schema.js';
export type { SchemaIssue } from './parse-with-schema.js';
export { NAME_PATTERN, NameSchema, MAX_HOST_CPUS, HostSpecSchema, HostSpecPatchSchema } from './host-spec.js';
export type { HostSpec, HostSpecInput, HostSpecPatch, HostSpecPatchInput } from './host-spec.js';
export { toJsonSchema, jsonSchemas, SPEC_SCHEMAS } from './json-schema.js';
export type { JsonSchema } from './json-schema.js';
export {
  CGROUP_CPU_LIMITS,
  MAX_SCHED_CPUS,
  MAX_SCHED_DURATION,
  MAX_SCHED_TASKS,
  MAX_SCHED_GROUPS,
  MAX_SCHED_DEPTH,
  parseCpuList,
  formatCpuList,
  parseCpuMax,
  CpuListSchema,
  GroupCpuSpecSchema,
  TaskBurstSchema,
  GroupTaskSpecSchema,
  GroupNodeSpecSchema,
  GroupSpecSchema,
} from './sched-spec.js';
export type {
  GroupSpec,
  GroupSpecInput,
  GroupNodeSpec,
  GroupNodeSpecInput,
  GroupCpuSpec,
  GroupCpuSpecInput,
  GroupTaskSpec,
  GroupTaskSpecInput,
  TaskBurst,
} from './sched-spec.js';
export {
  VCPU_POLICIES,
  VCPU_POLICY_FIELDS,
  MAX_NESTED_HOST_CPUS,
  MAX_NESTED_VCPUS,
  MAX_NESTED_VMS,
  MAX_NESTED_TOTAL_VCPUS,
  NestedHostSpecSchema,
} from './nested-host-spec.js';
export type { VcpuPolicyName, NestedHostSpec, NestedHostSpecInput, NestedVmSpec, NestedGuestSpec } from './nested-host-spec.js';
export {
  LabelsSchema,
  LABEL_SELECTOR_OPERATORS,
  LabelSelectorRequirementSchema,
  LabelSelectorSchema,
  NamespaceSchema,
  NETWORK_PROTOCOLS,
  ContainerPortSchema,
  PodSchema,
  IPBlockSchema,
  NetworkPolicyPeerSchema,
  NetworkPolicyPortSchema,
  NetworkPolicyIngressRuleSchema,
  NetworkPolicyEgressRuleSchema,
  POLICY_TYPES,
  NetworkPolicySchema,
} from './network-policy-spec.js';
export type {
  Labels,
  LabelSelector,
  LabelSelectorRequirement,
  LabelSelectorOperator,
  NetworkProtocol,
  PolicyType,
  Namespace,
  NamespaceInput,
  Pod,
  PodInput,
  ContainerPort,
  IPBlock,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyIngressRule,
  NetworkPolicyEgressRule,
  NetworkPolicy,
  NetworkPolicyInput,
} from './network-policy-spec.js';
export {
  parseKernelSize,
  formatKernelSize,
  parseByteRate,
  formatByteRate,
  KERNEL_SIZE_PATTERN,
  KERNEL_SIZE_FORMS,
  BYTE_RATE_PATTERN,
  BYTE_RATE_FORMS,
} from './kernel-size.js';
export { kernelSizeSchema, byteRateSchema } from './quantity-schemas.js';
export {
  STEP_KINDS,
  SIGNAL_NUMBERS,
  CATCHABLE_SIGNALS,
  STEP_ERRNOS,
  ERRNOS,
  ANY_ERRNO,
  MAX_PROGRAM_DEPTH,
  MAX_PROGRAM_LENGTH,
  MAX_TOTAL_STEPS,
  MAX_LOOP_TIMES,
  MAX_FORK_COUNT,
  MAX_STEP_DURATION,
  MAX_SERVE_RATE,
  MAX_SERVE_WORKERS,
  MAX_SERVE_BACKLOG,
  MAX_SERVE_REQUESTS,
  MAX_PRINT_LENGTH,
  MAX_PATH_LENGTH,
} from './program/vocabulary.js';
export type { StepKind, SignalName, CatchableSignal, FallibleStepKind, Errno } from './program/vocabulary.js';
export type {
  Program,
  ProgramRef,
  OnError,
  Step,
  CpuStep,
  SleepStep,
  AllocStep,
  FreeStep,
  FreeTarget,
  IoStep,
  ReadStep,
  WriteStep,
  Protocol,
  SendStep,
  ListenStep,
  ForkStep,
  ExecStep,
  WaitStep,
  PrintStep,
  ExitStep,
  LoopStep,
  SignalDisposition,
  SignalStep,
  ServeStep,
} from './program/types.js';
export { StepSchema, ProgramRefSchema } from './program/step-schema.js';
export { ProgramSchema, parseProgram } from './program/parse-program.js';
export { formatProgram } from './program/format-program.js';
export type { StepInput } from './program/format-program.js';
export {
  WRITABLE_CGROUP_FILES,
  ROOT_WRITABLE_CGROUP_FILES,
  MAX_CGROUP_VALUE_LENGTH,
  MAX_KERNEL_CGROUPS,
  MAX_KERNEL_CGROUP_DEPTH,
  CgroupFilesSchema,
  parseCgroupPath,
} from './kernel-cgroup-spec.js';
export type { WritableCgroupFile } from './kernel-cgroup-spec.js';
export {
  MAX_KERNEL_PROCESSES,
  NAMESPACE_TYPES,
  KernelProcessSpecSchema,
  KernelDeviceSpecSchema,
  KernelNetworkSpecSchema,
  KernelVethSpecSchema,
  MAX_PROCESS_NETWORKS,
  MAX_KERNEL_NETWORKS,
  KernelExperimentSchema,
  parseKernelExperiment,
} from './kernel-experiment-spec.js';
export type { NamespaceType, NamespaceMode, KernelExperiment, KernelProcessSpec, KernelDeviceSpec, KernelNetworkSpec } from './kernel-experiment-spec.js';
export type { ContainerSpec, RestartPolicy, MountBinding, DeviceIoLimit } from './container-spec.js';
export {
  ContainerSpecSchema,
  ContainerSpecObjectSchema,
  ContainerUpdateSpecSchema,
  parseContainerSpec,
  parseContainerUpdate,
  parseRestartPolicy,
  formatRestartPolicy,
  formatContainerSpec,
  CONTAINER_NAME_PATTERN,
  DOCKER_MIN_MEMORY,
  MAX_CONTAINER_MEMORY,
  MAX_CONTAINER_CPUS,
  MIN_CPU_SHARES,
  MAX_CPU_SHARES,
  MAX_PIDS_LIMIT,
  MAX_RESTART_RETRIES,
  MAX_STOP_TIMEOUT_S,
  MAX_CONTAINER_LIST,
  MAX_CONTAINER_NAME_LENGTH,
  MAX_IMAGE_REF_LENGTH,
  MAX_SPEC_STRING,
} from './container-spec.js';
export type { ContainerSpecInput, ContainerSpecUpdate } from './container-spec.js';
export {
  CONTAINER_SESSION_COMMANDS,
  MAX_SESSION_COMMANDS,
  MAX_SESSION_IMAGES,
  MAX_IMAGE_PROGRAMS,
  MAX_IMAGE_LAYERS,
  MAX_LAYER_SIZE,
  DEFAULT_SESSION_HOST,
  ContainerSessionImageSchema,
  ContainerSessionStepSchema,
  ContainerSessionSchema,
  parseContainerSession,
} from './container-session-spec.js';
export type {
  ContainerSessionCommandKind,
  ContainerSessionCommand,
  ContainerSessionStep,
  ContainerSessionImage,
  ContainerSession,
  ContainerSessionInput,
  ContainerSessionHost,
} from './container-session-spec.js';
// pods: a Kubernetes pod in the manifest's words (the pod model's input).
export { PodSpecSchema, parsePodSpec, POD_RESTART_POLICIES, MAX_POD_CONTAINERS, DEFAULT_POD_GRACE_PERIOD_S, MAX_POD_GRACE_PERIOD_S } from './pod-spec.js';
export type { PodSpec, PodSpecInput, PodContainerSpec, PodResourceList, PodRestartPolicy } from './pod-spec.js';
// scenarios: a datacenter scenario file's content and the datacenter's commands (core-cluster's input).
export {
  ScenarioSchema,
  ClusterCommandSchema,
  TimedActionSchema,
  HostTemplateSchema,
  VmTemplateSchema,
  VmBodySchema,
  VmCpuSchema,
  NetworkTemplateSchema,
  ContainerTemplateSchema,
  ContainerBodySchema,
  BatchWorkloadSchema,
  FaultsSchema,
  MetricsSchema,
  PlacementSchema,
  PowerSpecSchema,
  CLUSTER_COMMANDS,
  INSTANCE_NAME_PATTERN,
  MAX_SCENARIO_HOSTS,
  MAX_SCENARIO_VMS,
  MAX_SCENARIO_CONTAINERS,
  MAX_SCENARIO_DURATION,
  MAX_SCENARIO_NETWORKS,
  MAX_SCENARIO_WORKLOADS,
  MAX_SCENARIO_INCLUDES,
  MAX_SCENARIO_ACTIONS,
  MAX_SCENARIO_PATH,
  MAX_SCENARIO_BANDWIDTH,
  MAX_VM_VCPUS,
  MAX_MIPS,
  MAX_MACHINE_MEMORY,
  MAX_HOST_WATTS,
  MAX_TEMPLATE_LABELS,
} from './scenario-spec.js';
export type {
  Scenario,
  ScenarioInput,
  ClusterCommand,
  ClusterCommandInput,
  HostTemplate,
  VmTemplate,
  VmBody,
  VmCpuSettings,
  ContainerTemplate,
  NetworkTemplate,
  BatchWorkloadSpec,
  TimedAction,
  FaultSpec,
  PowerSpec,
  PlacementSpec,
} from './scenario-spec.js';
