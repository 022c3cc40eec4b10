// @strata/core-container: the container kernel model. This first part is cgroupfs: every cgroup v2
// interface file the kernel will serve, parsed and printed exactly as Linux does.

// The registry: one entry per file (controller, writable or not, initial value, parse, format).
export {
  CGROUP_FILES,
  CGROUP_FILE_NAMES,
  isCgroupFileName,
  cgroupFilesFor,
  cgroupFile,
  initialCgroupFileValue,
  readCgroupFile,
  writeCgroupFile,
} from './cgroupfs/registry.js';
export type {
  CgroupFileValues,
  CgroupFileName,
  CgroupFile,
  WritableCgroupFile,
  ReadOnlyCgroupFile,
  CgroupWriteContext,
} from './cgroupfs/registry.js';

// How a refused write fails: a ValidationError carrying the kernel's errno.
export type { CgroupErrno } from './cgroupfs/write-error.js';

// Value types and the rules a kernel model needs beside the text formats.
export { CGROUP_CONTROLLERS, parseSubtreeControlChange } from './cgroupfs/core-files.js';
export type { CgroupController, CgroupEvents, SubtreeControlChange } from './cgroupfs/core-files.js';
export { DEFAULT_CPU_MAX, DEFAULT_CPU_SHARES, niceOfShares } from './cgroupfs/cpu-files.js';
export type { CpuMax, CpuStat, CpuUsageStat, CpuBandwidthStat } from './cgroupfs/cpu-files.js';
export { memparse, PAGE_SIZE, PAGE_COUNTER_MAX_PAGES } from './cgroupfs/memparse.js';
export type { MemoryLimit } from './cgroupfs/memparse.js';
export { EMPTY_MEMORY_EVENTS, EMPTY_MEMORY_STAT } from './cgroupfs/memory-files.js';
export type { MemoryEvents, MemoryStat } from './cgroupfs/memory-files.js';
export { PIDS_MAX, EMPTY_PIDS_EVENTS } from './cgroupfs/pids-files.js';
export type { PidsLimit, PidsEvents } from './cgroupfs/pids-files.js';
export { DEFAULT_IO_WEIGHT } from './cgroupfs/io-files.js';
export type { BlockDeviceId, IoWeight, IoLimits, IoMax, IoStat, IoStatCounters } from './cgroupfs/io-files.js';
export { MAX_NUMNODES } from './cgroupfs/cpuset-files.js';

// The kernel model: processes running programs on the CPU scheduler, and the cgroup tree.
export { createKernel } from './kernel/create-kernel.js';
export { DEFAULT_MAX_PROCESSES, MAX_KERNEL_PROCESSES_LIMIT, DEFAULT_KERNEL_MAX_STEPS, MAX_OUTPUT_LINES, MAX_REAPED_RECORDS } from './kernel/types.js';
export type { CgroupHandle, Kernel, KernelOptions, KernelEvent, SpawnSpec, ProcessInfo, ForkCounts } from './kernel/types.js';
export { cpuTimeFor } from './kernel/cpu-speed.js';
export { MAX_CGROUPS, MAX_CGROUP_DEPTH } from './kernel/cgroup-tree.js';
export { DEFAULT_DEVICE_BYTES_PER_SECOND } from './kernel/block-io.js';
export type { KernelBlockDevice } from './kernel/block-io.js';
export { CONNECT_TIMEOUT_US, NEIGHBOUR_TIMEOUT_US } from './kernel/net-errnos.js';

// Kernel experiments: the `strata kernel run` file run to its end.
export { runKernelExperiment, REPORTED_CGROUP_FILES, MAX_REPORTED_EVENTS, DEFAULT_EXPERIMENT_MAX_STEPS } from './experiment/run-kernel-experiment.js';
export type { KernelExperimentResult, CgroupReport, ProcessReport, KernelRunControl } from './experiment/run-kernel-experiment.js';

// The memory controller (memory.min/low/high/max, swap, events, the OOM killer) as a model the kernel drives.
export { createMemoryModel } from './memory/create-memory-model.js';
export type {
  MemoryModel,
  MemoryCgroupRef,
  MemoryProcessRef,
  MemoryModelOptions,
  MemoryChargeKind,
  MemoryLimits,
  MemoryLimitsPatch,
  MemoryLimitSetting,
  MemoryProcessOptions,
  ChargeOutcome,
  LimitOutcome,
  OomOutcome,
  OomScope,
  OomVictim,
  ReclaimTally,
  MemoryCgroupStats,
  MemoryProcessStats,
  MemoryGlobalStats,
} from './memory/types.js';
export { MEMCG_CHARGE_BATCH, OOM_SCORE_ADJ_MIN, OOM_SCORE_ADJ_MAX } from './memory/kernel-constants.js';
export { calculateHighDelay, calculateOverage } from './memory/high-throttle.js';

// Namespaces (pid, user, mnt, uts, ipc, net, cgroup): identity, sharing and what each isolates, as
// the kernel's clone/unshare/setns/exit paths change them.
export { createNamespaceModel } from './namespaces/create-namespace-model.js';
export { cloneFlags, MAX_PID_NS_LEVEL, MAX_USER_NS_PARENT_LEVEL } from './namespaces/namespace-requests.js';
export type { NamespaceModel, NamespaceModelOptions, NamespaceInfo, PsView } from './namespaces/namespace-model.js';
export { NAMESPACE_TYPES, CLONE_FLAG_OF } from './namespaces/types.js';
export type {
  NamespaceType,
  NamespaceLinkName,
  CloneNamespaceFlag,
  NamespaceInode,
  GlobalPid,
  NamespaceErrno,
  SyscallResult,
  NamespaceRequest,
  ClonedProcess,
  ExitOutcome,
  ReapOutcome,
  PsEntry,
} from './namespaces/types.js';
export { INITIAL_NAMESPACE_INODES, PROC_DYNAMIC_FIRST } from './namespaces/inode-numbers.js';
export { RESERVED_PIDS, PID_MAX_LIMIT, PID_MAX_MIN, DEFAULT_PID_MAX } from './namespaces/pid-numbers.js';
export { initSignalDecision } from './namespaces/init-signal.js';
export type { SignalDisposition, SignalOrigin, InitSignalInput, InitSignalDecision } from './namespaces/init-signal.js';
export { parseIdMap, formatIdMap, mapIdDown, mapIdUp, UID_GID_MAP_MAX_EXTENTS, OVERFLOW_ID, IDENTITY_ID_MAP } from './namespaces/id-map.js';
export type { IdExtent, IdMapFile } from './namespaces/id-map.js';
export { normalizePath, resolveInTable } from './namespaces/mount-table.js';
export type { MountSource, MountSpec, Mount, PathResolution } from './namespaces/mount-table.js';
export { cgroupPathFromRoot, procCgroupLine } from './namespaces/cgroup-view.js';
export { UTS_NAME_MAX, DEFAULT_UTS_NAME } from './namespaces/uts-names.js';
export type { UtsNames } from './namespaces/uts-names.js';
export { LATENCY_SAMPLE_LIMIT, LATENCY_SUMMARY_OPTIONS } from './kernel/request-server.js';
export type { ServeStats, ServeSummary, LatencySummary } from './kernel/request-server.js';

// images
export type { Image, ImageLayer, ImageRegistry, ImageDefinition } from './images/types.js';
export { createImageRegistry, defineImage, imageRef, layerDigest, resolveImageCommand, sha256Digest, MAX_IMAGES, MAX_LAYERS, MAX_LAYER_BYTES } from './images/create-image-registry.js';
export type { ImageRegistryOptions } from './images/create-image-registry.js';
export { parseImageReference, formatImageReference, DEFAULT_TAG, MAX_REPOSITORY_NAME_LENGTH } from './images/image-reference.js';
export type { ImageReference } from './images/image-reference.js';
export { ImageNotFoundError, imageNotFoundTexts } from './images/image-errors.js';
export type { ImageNotFoundTexts } from './images/image-errors.js';
export { BUILTIN_IMAGE_NAMES, builtinImageDefinitions } from './images/builtin-images.js';
export type { BuiltinImageName } from './images/builtin-images.js';
export { sha256Hex } from './images/sha256.js';

// engine: Docker's containers on one kernel (`createContainerEngine`), and the rules it follows as data.
export { createContainerEngine, DEFAULT_MAX_CONTAINERS, MAX_CONTAINERS_LIMIT, DOCKER_CGROUP_PARENT } from './engine/create-container-engine.js';
export { RESTART_BACKOFF_FIRST_US, RESTART_BACKOFF_MULTIPLIER, RESTART_BACKOFF_MAX_US, RESTART_BACKOFF_RESET_US, DEFAULT_STOP_TIMEOUT_S } from './engine/types.js';
export type {
  ContainerEngine,
  ContainerEngineOptions,
  ContainerStatus,
  ContainerState,
  ContainerInspect,
  ContainerSummary,
  ContainerStats,
  ContainerEvent,
  ContainerWaiter,
  ContainerUpdate,
  LogLine,
  PortBinding as ContainerPortBinding,
} from './engine/types.js';
export { TRANSITIONS, transitionRule, checkTransition } from './engine/transitions.js';
export type { ContainerOperation, TransitionRule, TransitionSubject } from './engine/transitions.js';
export { decideRestart, FRESH_RESTART_MANAGER } from './engine/restart-policy.js';
export type { RestartManagerState, RestartDecision } from './engine/restart-policy.js';
export { cpuSharesToWeight, limitWrites, swapMax, CPU_PERIOD_US } from './engine/cgroup-limits.js';
export type { ContainerLimits } from './engine/cgroup-limits.js';
export { humanDuration, statusText } from './engine/human-duration.js';
export { parsePortWord } from './engine/port-specs.js';
export { MIN_MEMORY_BYTES, MAX_PIDS_LIMIT, MAX_CPU_SHARES } from './engine/spec-checks.js';

// session: a `strata container run` file run to its end (docker commands at simulated times), and the
// docker stats number formats its report prints with.
export { runContainerSession, MAX_REPORTED_SESSION_EVENTS, MAX_REPORTED_OUTPUT_ROWS, SESSION_HOST, START_COST_STEPS, ADVANCE_COST_STEPS, OUTPUT_ROW_COST_STEPS } from './session/run-container-session.js';
export { DAEMON_ERROR_PREFIX } from './session/apply-command.js';
export type { ContainerSessionResult, ContainerSessionControl, ContainerCommandOutcome, ContainerCommandOutput, ContainerCommandError, TopRow as ContainerTopRow } from './session/types.js';
export { formatBinarySize, formatDecimalSize, formatPercent } from './engine/stats.js';

// pods: Kubernetes pods on the container engine (`createPodManager`): a pause sandbox whose namespaces the
// app containers join, a /kubepods pod cgroup, QoS classes and oom_score_adj, the kubelet's CrashLoopBackOff.
export { createPodManager, podHostname, POD_SANDBOX_IMAGE } from './pods/create-pod-manager.js';
export type { PodManager, PodManagerOptions, PodStatus, PodContainerStatus, PodContainerState, PodContainerTerminated, PodEvent, PodWaitingReason, PodTerminatedReason } from './pods/types.js';
export { podQosClass, containerOomScoreAdj, GUARANTEED_OOM_SCORE_ADJ, BESTEFFORT_OOM_SCORE_ADJ, POD_INFRA_OOM_SCORE_ADJ } from './pods/qos.js';
export type { PodQosClass } from './pods/qos.js';
export { podCgroupPath, podCgroupWrites, qosCgroup, milliCpuToShares, milliCpuToQuota, containerEngineLimits, KUBEPODS_CGROUP } from './pods/pod-cgroup.js';
export { crashLoopDecision, CRASH_LOOP_BACKOFF_INITIAL_US, CRASH_LOOP_BACKOFF_MAX_US, CRASH_LOOP_BACKOFF_RESET_US } from './pods/crash-loop-backoff.js';
export type { BackoffEntry } from './pods/crash-loop-backoff.js';
export { podPhase } from './pods/pod-phase.js';
export type { PodPhase, PhaseInput as PodPhaseInput } from './pods/pod-phase.js';
