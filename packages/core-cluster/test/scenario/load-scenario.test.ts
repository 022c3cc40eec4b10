// loadScenario: every kind of error at its exact line and column, includes, batch files, the
// cloudsim-small examples as they are, and random damage to a valid file only ever a ValidationError.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@strata/shared-types';
import { expandInstances, loadScenario, MAX_INCLUDE_DEPTH, parseIssuePath, type ScenarioFileReader, type ScenarioIssue } from '@strata/core-cluster';

const README_EXAMPLE = `name: two-hosts
seed: 7
duration: 60s
hosts:
  - { name: h, count: 2, cpus: 8, memory: 32Gi, power: { idle: 100W, max: 250W } }
networks:
  - { name: app, subnet: 10.10.0.0/16 }
vms:
  - { name: vm, count: 4, vcpus: 2, memory: 4Gi }
containers:
  - name: web
    on: vm             # one set per instance of VM template "vm"
    count: 2           # per VM
    image: web
    cpus: "0.5"
    memory: 256Mi
    networks: [app]
actions:
  - { at: 20s, do: vm.migrate, vm: vm-0, to: h-1 }
  - { at: 30s, do: host.fail, host: h-0 }
metrics: { interval: 1s }
`;

function failure(text: string, path = 'scenario.yaml', readFile?: ScenarioFileReader): ValidationError {
  try {
    loadScenario(text, { path, ...(readFile === undefined ? {} : { readFile }) });
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected loadScenario to throw a ValidationError');
}

/** The message lines of the failure. */
const lines = (text: string, path?: string, readFile?: ScenarioFileReader) => failure(text, path, readFile).message.split('\n');

/** `line:column` of the first `needle` on 1-based line `line` of `text` (so expectations are read off the text, not counted by hand). */
function at(text: string, line: number, needle: string): string {
  const column = (text.split('\n')[line - 1] ?? '').indexOf(needle);
  if (column < 0) throw new Error(`"${needle}" is not on line ${line}`);
  return `${line}:${column + 1}`;
}

function reader(files: Record<string, string>): ScenarioFileReader & { reads: string[] } {
  const reads: string[] = [];
  const read = (p: string) => {
    reads.push(p);
    const content = files[p];
    if (content === undefined) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
    return content;
  };
  return Object.assign(read, { reads });
}

describe('loadScenario: valid files', () => {
  it('loads the README example, expands its instances and locates its parts', () => {
    const { scenario, files, sources, locate } = loadScenario(README_EXAMPLE, { path: 'two-hosts.yaml' });
    expect(scenario.name).toBe('two-hosts');
    expect(files.size).toBe(0);
    expect([...sources.keys()]).toEqual(['two-hosts.yaml']);
    const instances = expandInstances(scenario);
    expect(instances.hosts.map((h) => h.name)).toEqual(['h-0', 'h-1']);
    expect(instances.vms.map((v) => v.name)).toEqual(['vm-0', 'vm-1', 'vm-2', 'vm-3']);
    expect(instances.containers.map((c) => c.name)).toEqual(['web-vm-0-0', 'web-vm-0-1', 'web-vm-1-0', 'web-vm-1-1', 'web-vm-2-0', 'web-vm-2-1', 'web-vm-3-0', 'web-vm-3-1']);
    expect(instances.containers[3]).toMatchObject({ on: 'vm-1', onKind: 'vm', index: 1 });
    expect(locate('actions[1]')).toEqual({ path: 'two-hosts.yaml', line: 20, column: 5 });
    expect(locate('vms[0].memory')).toEqual({ path: 'two-hosts.yaml', line: 9, column: 45 });
    expect(at(README_EXAMPLE, 9, '4Gi')).toBe('9:45');
  });

  it('names containers by the README rule: target only for a counted template, index only for count > 1', () => {
    const { scenario } = loadScenario(
      `name: n
hosts: [{ name: metal, cpus: 4, memory: 8Gi, hypervisor: none }, { name: hv, count: 2, cpus: 4, memory: 8Gi }]
vms: [{ name: solo, vcpus: 1, memory: 1Gi }, { name: vm, count: 2, vcpus: 1, memory: 1Gi }]
containers:
  - { name: a, on: solo, image: x }
  - { name: b, on: vm-1, image: x, count: 2 }
  - { name: c, on: vm, image: x }
  - { name: d, on: metal, image: x, count: 3 }
`,
      { path: 's.yaml' },
    );
    expect(expandInstances(scenario).containers.map((c) => `${c.name}@${c.on}`)).toEqual(['a@solo', 'b-0@vm-1', 'b-1@vm-1', 'c-vm-0@vm-0', 'c-vm-1@vm-1', 'd-0@metal', 'd-1@metal', 'd-2@metal']);
  });

  it('reads JSON by extension', () => {
    const { scenario } = loadScenario(JSON.stringify({ name: 'j', hosts: [{ name: 'h', cpus: 1, memory: '1Gi' }] }), { path: 'j.json' });
    expect(scenario.hosts[0]?.memory).toBe(2 ** 30);
    const json = '{\n  "name": "j",\n  "hosts": [{ "name": "h", "cpus": 0, "memory": "1Gi" }]\n}';
    expect(failure(json, 'j.json').message).toBe(`j.json:${at(json, 3, '0,')} hosts[0].cpus: expected at least 1, got 0`);
  });

  const DIR = fileURLToPath(new URL('../../../../examples/cloudsim-small/', import.meta.url));
  it('loads the cloudsim-small scenarios as they are, reading their CSV', () => {
    for (const [file, scheduler] of [['H10_V40_C400-ts.yaml', 'time-shared'], ['H10_V40_C400-ss.yaml', 'space-shared']] as const) {
      const read = reader({ 'H10_V40_C400.csv': readFileSync(`${DIR}H10_V40_C400.csv`, 'utf8') });
      const { scenario, files } = loadScenario(readFileSync(DIR + file, 'utf8'), { path: file, readFile: read });
      expect(scenario.version).toBe(1);
      expect(scenario.workloads).toEqual([{ kind: 'batch', file: 'H10_V40_C400.csv', guestScheduler: scheduler }]);
      expect(files.get('H10_V40_C400.csv')?.startsWith('cloudlet_id,length_mi,pes,vm_id,submit_time')).toBe(true);
      const instances = expandInstances(scenario);
      expect([instances.hosts.length, instances.vms.length, instances.hosts[9]?.name, instances.vms[39]?.name]).toEqual([10, 40, 'h-9', 'vm-39']);
    }
  });

  it('reads a batch file relative to the file that names it, once, keyed from the scenario folder', () => {
    const read = reader({
      'w/more.yaml': 'workloads:\n  - { kind: batch, file: jobs.csv }\n',
      'w/jobs.csv': 'id,length_mi,pes,vm,submit_time\n',
      'jobs.csv': 'top\n',
    });
    const { scenario, files } = loadScenario('name: b\ninclude: [w/more.yaml]\nworkloads:\n  - { kind: batch, file: ./jobs.csv }\n  - { kind: batch, file: jobs.csv }\n', { path: 'dir/b.yaml', readFile: read });
    expect(scenario.workloads.map((w) => w.file)).toEqual(['w/jobs.csv', 'jobs.csv', 'jobs.csv']);
    expect([...files.keys()]).toEqual(['w/jobs.csv', 'jobs.csv']);
    expect(read.reads).toEqual(['w/more.yaml', 'w/jobs.csv', 'jobs.csv']);
  });
});

describe('loadScenario: includes', () => {
  it('appends included lists before the file\'s own, depth first, and locates their errors in their file', () => {
    const read = reader({
      'common/hosts.yaml': 'include: [vms.yaml]\nhosts:\n  - { name: h, count: 2, cpus: 4, memory: 8Gi }\n',
      'common/vms.yaml': 'vms:\n  - { name: base, vcpus: 1, memory: 1Gi }\n',
    });
    const { scenario, sources } = loadScenario('name: i\ninclude: [common/hosts.yaml]\nvms:\n  - { name: own, vcpus: 1, memory: 1Gi }\n', { path: 'sc/i.yaml', readFile: read });
    expect(scenario.vms.map((v) => v.name)).toEqual(['base', 'own']);
    expect(scenario.hosts.map((h) => h.name)).toEqual(['h']);
    expect([...sources.keys()]).toEqual(['sc/i.yaml', 'sc/common/hosts.yaml', 'sc/common/vms.yaml']);

    const bad = reader({ 'common/vms.yaml': 'vms:\n  - name: base\n    vcpus: 1\n    memory: 4 gigs\n' });
    const main = 'name: i\ninclude: [common/vms.yaml]\nvms:\n  - { name: own, vcpus: 1, memory: 2 gigs }\n';
    const error = failure(main, 'sc/i.yaml', bad);
    expect(error.message.split('\n')).toEqual([
      'sc/i.yaml:4:36 vms[0].memory: expected a quantity like 4Gi, got "2 gigs"',
      'sc/common/vms.yaml:4:13 vms[0].memory: expected a quantity like 4Gi, got "4 gigs"',
    ]);
    expect(at(main, 4, '2 gigs')).toBe('4:36');
    expect(error.details).toMatchObject({ path: 'sc/i.yaml', line: 4, column: 36, at: 'vms[0].memory' });
    expect((error.details['issues'] as ScenarioIssue[])[1]).toEqual({ path: 'sc/common/vms.yaml', line: 4, column: 13, at: 'vms[0].memory', message: 'expected a quantity like 4Gi, got "4 gigs"' });
  });

  it('refuses paths out of the folder, absolute paths, cycles, missing files, extra keys, with their lines', () => {
    const read = reader({ 'loop.yaml': 'include: [s.yaml]\n', 'extra.yaml': 'hosts: []\nduration: 1s\n', 'sub/up.yaml': 'include: [../extra.yaml]\n' });
    expect(lines('name: i\ninclude:\n  - ../x.yaml\n  - /etc/hosts\n  - loop.yaml\n  - nothere.yaml\n  - extra.yaml\n  - 7\n', 's.yaml', read)).toEqual([
      `s.yaml:3:5 include[0]: cannot include "../x.yaml": the path leaves the scenario's folder; only files inside it (or its subfolders) may be named`,
      's.yaml:4:5 include[1]: cannot include "/etc/hosts": absolute paths are not accepted; give a path relative to the scenario file, such as "data/jobs.csv"',
      `s.yaml:6:5 include[3]: cannot include "nothere.yaml": ENOENT: no such file or directory, open 'nothere.yaml'`,
      's.yaml:8:5 include[5]: expected a relative file path such as "common/hosts.yaml", got 7',
      'loop.yaml:1:11 include[0]: include cycle: s.yaml → loop.yaml → s.yaml; a file may not include itself, directly or through others',
      'extra.yaml:2:1 duration: an included file may hold only include and the lists hosts, networks, vms, containers, workloads, actions; "duration" belongs in the scenario file',
    ]);
    // `..` inside the folder is fine.
    expect(loadScenario('name: i\ninclude: [sub/up.yaml]\n', { path: 's.yaml', readFile: reader({ 'sub/up.yaml': 'include: [../ok.yaml]\n', 'ok.yaml': 'hosts: []\n' }) }).scenario.hosts).toEqual([]);
  });

  it(`stops nesting after ${MAX_INCLUDE_DEPTH} levels`, () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= MAX_INCLUDE_DEPTH + 1; i++) files[`f${i}.yaml`] = `include: [f${i + 1}.yaml]\n`;
    files[`f${MAX_INCLUDE_DEPTH + 1}.yaml`] = 'hosts: []\n';
    const error = failure('name: d\ninclude: [f1.yaml]\n', 's.yaml', reader(files));
    expect(error.message).toMatch(new RegExp(`^f${MAX_INCLUDE_DEPTH}\\.yaml:1:11 include\\[0\\]: includes nest deeper than ${MAX_INCLUDE_DEPTH} levels`));
    delete files[`f${MAX_INCLUDE_DEPTH + 1}.yaml`];
    files[`f${MAX_INCLUDE_DEPTH}.yaml`] = 'hosts: []\n';
    expect(loadScenario('name: d\ninclude: [f1.yaml]\n', { path: 's.yaml', readFile: reader(files) }).scenario.name).toBe('d');
  });

  it('without a reader, a scenario that names files is refused at the line that names them', () => {
    expect(lines('name: n\ninclude: [a.yaml]\n')).toEqual(['scenario.yaml:2:11 include[0]: cannot include "a.yaml": no file reader was given to loadScenario (pass options.readFile)']);
    expect(lines('name: n\nworkloads:\n  - kind: batch\n    file: j.csv\n')).toEqual(['scenario.yaml:4:11 workloads[0].file: cannot read "j.csv": no file reader was given to loadScenario (pass options.readFile)']);
  });
});

describe('loadScenario: every error at its line and column', () => {
  it('YAML syntax, duplicate keys, empty and non-mapping files', () => {
    expect(lines('name: x\nhosts: [\n')).toEqual(['scenario.yaml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]']);
    expect(lines('name: x\nseed: 1\nname: y\n')).toEqual(['scenario.yaml:3:1: Map keys must be unique']);
    expect(lines('')).toEqual(['scenario.yaml:1:1: the file is empty; a scenario is a mapping with at least `name`']);
    expect(lines('# nothing\n- a\n')).toEqual(['scenario.yaml:2:1: expected a mapping of scenario keys (name, hosts, vms, ...), got a list']);
    const bomb = ['name: b', 'a: &a [x, x, x, x, x, x, x, x, x, x]', ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(10).fill(`*${'abcdefgh'[i]}`).join(', ')}]`)].join('\n');
    expect(lines(bomb)).toEqual([expect.stringMatching(/^scenario\.yaml:1:1: cannot read the file's content: /)]);
  });

  it('schema problems: a quantity, an unknown key (at the key), a missing field (at its item), an enum', () => {
    const text = `name: s
hosts:
  - name: h
    cpus: 4
    memory: 4Gi
    colour: red
vms:
  - name: a
    vcpus: 1
    memory: 1Gi
  - name: b
    memory: 1Gi
  - name: c
    vcpus: 2
    memory: 4 gigs
fidelity: rough
`;
    expect(lines(text)).toEqual([
      'scenario.yaml:6:5 hosts[0].colour: unknown field; accepted fields: name, count, cpus, cpuMips, memory, overcommit, hypervisor, nic, disk, labels, power',
      'scenario.yaml:11:5 vms[1].vcpus: required',
      'scenario.yaml:15:13 vms[2].memory: expected a quantity like 4Gi, got "4 gigs"',
      'scenario.yaml:16:11 fidelity: expected "fluid" or "exact", got "rough"',
    ]);
    const error = failure(text);
    expect(error.details).toMatchObject({ path: 'scenario.yaml', line: 6, column: 5, at: 'hosts[0].colour' });
    expect(error.details['issues']).toHaveLength(4);
  });

  it('a missing name points at the top of the file; a nameless item at its first key', () => {
    expect(lines('seed: 1\n')).toEqual(['scenario.yaml:1:1 name: required']);
    const text = 'name: n\nhosts:\n  - cpus: 1\n    memory: 1Gi\n';
    expect(lines(text)).toEqual([`scenario.yaml:${at(text, 3, 'cpus')} hosts[0].name: required`]);
  });

  it('cross-references: on, host, networks, actions, scale, faults', () => {
    const text = `name: r
hosts:
  - { name: h, count: 2, cpus: 4, memory: 8Gi }
  - { name: metal, cpus: 4, memory: 8Gi, hypervisor: none }
vms:
  - { name: vm, count: 2, vcpus: 1, memory: 1Gi, host: nowhere }
  - { name: pinned, vcpus: 1, memory: 1Gi, host: metal }
networks:
  - { name: app }
containers:
  - { name: web, on: ghost, image: x }
  - { name: api, on: h-0, image: x }
  - { name: db, on: vm, image: x, networks: [app, other] }
actions:
  - { at: 1s, do: vm.start, vm: vm-2 }
  - { at: 2s, do: host.fail, host: h }
  - { at: 3s, do: container.stop, container: db-vm-7 }
  - { at: 4s, do: scale, template: pinned, count: 3 }
  - { at: 5s, do: vm.migrate, vm: vm-1, to: h-9 }
faults:
  hosts: { mtbf: 720h, mttr: 4h, hosts: [h-5] }
`;
    const hosts = 'known hosts: "h", "h-0 … h-1", "metal"';
    expect(lines(text)).toEqual([
      `scenario.yaml:${at(text, 6, 'nowhere')} vms[0].host: "nowhere" names no host template or instance; ${hosts}`,
      `scenario.yaml:${at(text, 7, 'metal')} vms[1].host: host "metal" is bare metal (hypervisor: none) and cannot run VMs; name a host with a hypervisor`,
      `scenario.yaml:${at(text, 11, 'ghost')} containers[0].on: "ghost" names no VM or host template or instance; known VMs: "vm", "vm-0 … vm-1", "pinned"; ${hosts}`,
      `scenario.yaml:${at(text, 12, 'h-0')} containers[1].on: host "h-0" runs a hypervisor (credit); containers run in VMs or on bare-metal hosts (hypervisor: none)`,
      `scenario.yaml:${at(text, 13, 'other')} containers[2].networks[1]: network "other" is not defined; add it under networks: or use known networks: "app"`,
      `scenario.yaml:${at(text, 15, 'vm-2')} actions[0].vm: "vm-2" names no VM instance; known VMs: "vm", "vm-0 … vm-1", "pinned"`,
      `scenario.yaml:${at(text, 16, 'h }')} actions[1].host: "h" names no host instance; ${hosts}`,
      `scenario.yaml:${at(text, 17, 'db-vm-7')} actions[2].container: "db-vm-7" names no container instance; known containers: "db-vm-0", "db-vm-1"`,
      `scenario.yaml:${at(text, 18, 'pinned')} actions[3].template: VM template "pinned" has no count, so it cannot be scaled; give it a count (its instances are then named pinned-0, pinned-1, …)`,
      `scenario.yaml:${at(text, 19, 'h-9')} actions[4].to: "h-9" names no host instance; ${hosts}`,
      `scenario.yaml:${at(text, 21, 'h-5')} faults.hosts.hosts[0]: "h-5" names no host template or instance; ${hosts}`,
    ]);
  });

  it('actions may name what earlier actions create or scale', () => {
    const { scenario } = loadScenario(
      `name: c
hosts: [{ name: h, count: 1, cpus: 4, memory: 8Gi }]
vms: [{ name: vm, count: 1, vcpus: 1, memory: 1Gi }]
containers: [{ name: web, on: vm, image: x }]
actions:
  - { at: 1s, do: scale, template: vm, count: 3 }
  - { at: 2s, do: vm.start, vm: vm-2 }
  - { at: 2s, do: vm.create, vm: { name: extra, vcpus: 1, memory: 1Gi } }
  - { at: 3s, do: container.create, container: { name: side, on: extra, image: x } }
  - { at: 4s, do: container.kill, container: side }
  - { at: 5s, do: container.stop, container: web-vm-0 }
`,
      { path: 'c.yaml' },
    );
    expect(scenario.actions).toHaveLength(6);
  });

  it('duplicate container instance names across templates', () => {
    const text = 'name: d\nhosts: [{ name: h, cpus: 1, memory: 1Gi }]\nvms: [{ name: vm, count: 2, vcpus: 1, memory: 1Gi }]\ncontainers:\n  - { name: web, on: vm, image: x }\n  - { name: web-vm-1, on: vm-0, image: x }\n';
    expect(lines(text)).toEqual([
      `scenario.yaml:${at(text, 6, 'web-vm-1')} containers[1].name: container instance "web-vm-1" is also made by containers[0] ("web"); rename one of the templates`,
    ]);
  });

  it('batch files: missing, outside the folder', () => {
    expect(lines('name: b\nworkloads:\n  - { kind: batch, file: jobs.csv }\n  - { kind: batch, file: ../jobs.csv }\n', 'b.yaml', reader({}))).toEqual([
      `b.yaml:3:26 workloads[0].file: cannot read "jobs.csv": ENOENT: no such file or directory, open 'jobs.csv'`,
      `b.yaml:4:26 workloads[1].file: cannot read "../jobs.csv": the path leaves the scenario's folder; only files inside it (or its subfolders) may be named`,
    ]);
  });
});

describe('parseIssuePath', () => {
  it('reads back what formatIssuePath writes', () => {
    expect(parseIssuePath('vms[2].memory')).toEqual(['vms', 2, 'memory']);
    expect(parseIssuePath('containers[0].labels["a b"].x')).toEqual(['containers', 0, 'labels', 'a b', 'x']);
    expect(parseIssuePath('')).toEqual([]);
  });
});

describe('loadScenario: damaged input', () => {
  it('random mutations of a valid scenario never throw anything but ValidationError', () => {
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 12 }) }),
      fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(':', '- ', '[', ']', '{', '}', '&a ', '*a', '!!binary ', '"', "'", '\n  ', '\t', '---\n', '0x', '-1', 'null', '__proto__: 1\n', '1e999', '<<: *a\n')) }),
      fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), other: fc.nat() }),
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), (mutations) => {
        let text = README_EXAMPLE;
        for (const m of mutations) {
          const at = m.at % (text.length + 1);
          if (m.kind === 'delete') text = text.slice(0, at) + text.slice(at + m.length);
          else if (m.kind === 'insert') text = text.slice(0, at) + m.text + text.slice(at);
          else {
            const lines = text.split('\n');
            const a = at % lines.length;
            const b = m.other % lines.length;
            [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
            text = lines.join('\n');
          }
        }
        try {
          loadScenario(text, { path: 'm.yaml', readFile: () => 'hosts: []\n' });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          expect(error.message).toMatch(/^m\.yaml:\d+:\d+[ :]/);
          expect(error.details).toMatchObject({ path: 'm.yaml' });
        }
      }),
      { numRuns: 400 },
    );
  });
});
