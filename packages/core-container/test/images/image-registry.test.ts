// The image registry: Docker's reference rules, Docker's not-found texts, deterministic ids from a
// pure SHA-256, the built-in images' behaviours as programs, and sessions' images going straight in.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NotFoundError, parseContainerSession, ValidationError, type Program } from '@strata/shared-types';
import {
  BUILTIN_IMAGE_NAMES,
  builtinImageDefinitions,
  createImageRegistry,
  defineImage,
  formatImageReference,
  ImageNotFoundError,
  imageRef,
  parseImageReference,
  resolveImageCommand,
  sha256Hex,
  type ImageDefinition,
} from '@strata/core-container';

const tiny: ImageDefinition = { name: 'app', cmd: [{ op: 'exit', code: 0 }], layers: [1024] };

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('sha256Hex', () => {
  it('matches FIPS 180-4 test vectors', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(sha256Hex('a'.repeat(1000))).toBe('41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3');
  });

  it('hashes UTF-8 bytes (é is two bytes)', () => {
    expect(sha256Hex('é')).not.toBe(sha256Hex('e'));
    expect(sha256Hex('é')).toHaveLength(64);
  });

  it('is 64 lowercase hex digits and injective on a sample (property)', () => {
    const seen = new Map<string, string>();
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const hex = sha256Hex(text);
        expect(hex).toMatch(/^[0-9a-f]{64}$/);
        const earlier = seen.get(hex);
        if (earlier !== undefined) expect(earlier).toBe(text);
        seen.set(hex, text);
      }),
    );
  });
});

describe('parseImageReference', () => {
  const good: [string, string, string, string][] = [
    ['web', 'docker.io', 'library/web', 'web:latest'],
    ['web:1.27', 'docker.io', 'library/web', 'web:1.27'],
    ['library/web', 'docker.io', 'library/web', 'web:latest'],
    ['docker.io/library/web:v2', 'docker.io', 'library/web', 'web:v2'],
    ['index.docker.io/library/web', 'docker.io', 'library/web', 'web:latest'],
    ['team/app:v1', 'docker.io', 'team/app', 'team/app:v1'],
    ['registry.local:5000/ns/app:v1', 'registry.local:5000', 'ns/app', 'registry.local:5000/ns/app:v1'],
    ['localhost/app', 'localhost', 'app', 'localhost/app:latest'],
    ['a__b-c/e---f.g', 'docker.io', 'a__b-c/e---f.g', 'a__b-c/e---f.g:latest'],
  ];
  it.each(good)('%s', (ref, domain, path, familiar) => {
    const parsed = parseImageReference(ref);
    expect({ domain: parsed.domain, path: parsed.path }).toEqual({ domain, path });
    expect(formatImageReference(parsed)).toBe(familiar);
  });

  it('keeps a digest and adds no tag then', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`web@${digest}`)).toEqual({ domain: 'docker.io', path: 'library/web', name: 'web', tag: '', digest });
    expect(formatImageReference(parseImageReference(`web@${digest}`))).toBe(`web@${digest}`);
  });

  const bad: [string, string][] = [
    ['', 'invalid reference format'],
    ['a b', 'invalid reference format'],
    ['web:', 'invalid reference format'],
    ['web:-x', 'invalid reference format'],
    ['-web', 'invalid reference format'],
    ['web//x', 'invalid reference format'],
    ['a_b.c/app', 'invalid reference format'],
    ['web@sha256:123', 'invalid reference format'],
    ['web:' + 't'.repeat(129), 'invalid reference format'],
    ['Web', 'invalid reference format: repository name (library/Web) must be lowercase'],
    ['team/App', 'invalid reference format: repository name (team/App) must be lowercase'],
    ['x/' + 'a'.repeat(260), 'repository name must not be more than 255 characters'],
  ];
  it.each(bad)('rejects %j', (ref, message) => {
    const error = thrown(() => parseImageReference(ref));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(message);
  });

  it('never throws anything but ValidationError (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'B', '0', '.', '_', '-', ':', '/', '@', ' '), maxLength: 30 }), (ref) => {
        try {
          const parsed = parseImageReference(ref);
          expect(parseImageReference(formatImageReference(parsed))).toEqual(parsed);
        } catch (error) {
          expect(error).toBeInstanceOf(ValidationError);
        }
      }),
    );
  });
});

describe('createImageRegistry', () => {
  it('holds the seven built-in images, tagged latest, with realistic layers', () => {
    const registry = createImageRegistry();
    expect(registry.list().map(imageRef)).toEqual(BUILTIN_IMAGE_NAMES.map((n) => `${n}:latest`));
    for (const image of registry.list()) {
      expect(image.id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(image.layers.length).toBeGreaterThan(0);
      for (const layer of image.layers) expect(layer.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const total = image.layers.reduce((sum, l) => sum + l.size, 0);
      expect(total).toBeGreaterThan(100_000);
      expect(total).toBeLessThan(200_000_000);
    }
    expect(createImageRegistry([], { builtins: false }).list()).toEqual([]);
  });

  it('finds an image by every spelling Docker accepts, and by id or a 12-digit id prefix', () => {
    const registry = createImageRegistry();
    const web = registry.get('web');
    for (const ref of ['web:latest', 'library/web', 'docker.io/library/web:latest', web.id, web.id.slice(7), web.id.slice(7, 19)]) expect(registry.get(ref)).toBe(web);
    expect(registry.has('web')).toBe(true);
    expect(registry.has('web:2')).toBe(false);
    expect(registry.has('Web')).toBe(false);
  });

  it("fails on an unknown image with Docker's texts", () => {
    const error = thrown(() => createImageRegistry().get('nosuch'));
    expect(error).toBeInstanceOf(ImageNotFoundError);
    expect(error).toBeInstanceOf(NotFoundError);
    const notFound = error as ImageNotFoundError;
    expect(notFound.code).toBe('E_NOT_FOUND');
    expect(notFound.httpStatus).toBe(404);
    expect(notFound.message).toBe("pull access denied for nosuch, repository does not exist or may require 'docker login': denied: requested access to the resource is denied");
    expect(notFound.details).toMatchObject({ kind: 'image', reference: 'nosuch:latest', localNotice: "Unable to find image 'nosuch:latest' locally", noSuchImage: 'No such image: nosuch:latest' });
    expect((thrown(() => createImageRegistry().get('team/app:v1')) as ImageNotFoundError).texts.localNotice).toBe("Unable to find image 'team/app:v1' locally");
  });

  it('rejects a malformed reference with invalid reference format', () => {
    const error = thrown(() => createImageRegistry().get('a b'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('invalid reference format');
  });

  it('adds images, replacing the same name:tag, and derives ids deterministically', () => {
    const registry = createImageRegistry([tiny], { builtins: false });
    const first = registry.get('app');
    expect(first).toMatchObject({ name: 'app', tag: 'latest', workingDir: '/', user: { uid: 0, gid: 0 }, stopSignal: 'SIGTERM', env: {}, programs: {}, exposedPorts: [], labels: {} });
    expect(createImageRegistry([tiny], { builtins: false }).get('app').id).toBe(first.id);
    const replaced = registry.add({ ...tiny, cmd: [{ op: 'exit', code: 1 }] });
    expect(replaced.id).not.toBe(first.id);
    expect(registry.get('app')).toBe(replaced);
    expect(registry.list()).toHaveLength(1);
    registry.add({ ...tiny, tag: 'v2' });
    expect(registry.list().map(imageRef)).toEqual(['app:latest', 'app:v2']);
  });

  it('gives the same id whatever the key order of a definition', () => {
    const a = defineImage({ name: 'app', cmd: [], layers: [1], env: { A: '1', B: '2' }, labels: { x: 'y', a: 'b' } });
    const b = defineImage({ labels: { a: 'b', x: 'y' }, env: { B: '2', A: '1' }, layers: [1], cmd: [], name: 'app' });
    expect(a.id).toBe(b.id);
  });

  it('rejects bad definitions with a ValidationError naming the field', () => {
    const registry = createImageRegistry([], { builtins: false });
    expect(thrown(() => registry.add({ ...tiny, name: 'App' })).message).toMatch(/^invalid image: name: invalid reference format: repository name/);
    expect(thrown(() => registry.add({ ...tiny, layers: [] })).message).toBe('invalid image: layers: expected 1 to 128 layers, got 0');
    expect(thrown(() => registry.add({ ...tiny, layers: [-1] })).message).toMatch(/^invalid image: layers\[0\]: expected a size/);
    expect(thrown(() => registry.add({ ...tiny, layers: [{ digest: 'sha256:x', size: 1 }] })).message).toMatch(/^invalid image: layers\[0\]\.digest/);
    expect(thrown(() => registry.add({ ...tiny, id: 'nope' })).message).toMatch(/^invalid image: id/);
    expect(thrown(() => registry.add({ ...tiny, workingDir: 'app' })).message).toBe("invalid image: workingDir: the working directory 'app' is invalid, it needs to be an absolute path");
    expect(registry.list()).toEqual([]);
  });

  it("takes a session file's images as they are parsed", () => {
    const session = parseContainerSession({
      duration: '1s',
      images: [{ name: 'myapp', tag: 'v1', cmd: [{ cpu: '1s' }], programs: { warm: [{ sleep: '1s' }] }, layers: ['5M', '80M'], 'exposed-ports': [8080] }],
      commands: [],
    });
    const registry = createImageRegistry(session.images);
    const image = registry.get('myapp:v1');
    expect(image.layers.map((l) => l.size)).toEqual([5 * 2 ** 20, 80 * 2 ** 20]);
    expect(image.exposedPorts).toEqual(['8080/tcp']);
    expect(resolveImageCommand(image, 'warm')).toEqual([{ op: 'sleep', duration: 1_000_000 }]);
  });
});

describe('the built-in images behave as their names say', () => {
  const registry = createImageRegistry();
  const steps = (program: Program): Program => program.flatMap((s) => (s.op === 'loop' ? [s, ...steps(s.body)] : [s]));

  it('web serves on 80 and exits 0 on SIGTERM', () => {
    const web = registry.get('web');
    expect(web.exposedPorts).toEqual(['80/tcp']);
    const [handlers] = web.cmd;
    expect(handlers).toMatchObject({ op: 'signal' });
    const term = handlers?.op === 'signal' ? handlers.handlers.SIGTERM : undefined;
    expect(Array.isArray(term) && term.at(-1)).toEqual({ op: 'exit', code: 0 });
    expect(web.cmd.some((s) => s.op === 'serve' && s.duration === null && s.requests === null)).toBe(true);
  });

  it('batch does CPU work then exits 0; crasher exits 1', () => {
    const batch = registry.get('batch').cmd;
    expect(batch.some((s) => s.op === 'cpu')).toBe(true);
    expect(batch.at(-1)).toEqual({ op: 'exit', code: 0 });
    expect(registry.get('crasher').cmd.at(-1)).toEqual({ op: 'exit', code: 1 });
  });

  it('memhog allocates forever; forker forks forever, ignoring EAGAIN', () => {
    expect(steps(registry.get('memhog').cmd).some((s) => s.op === 'alloc' && s.rate !== null)).toBe(true);
    const fork = steps(registry.get('forker').cmd).find((s) => s.op === 'fork');
    expect(fork).toMatchObject({ op: 'fork', onError: { EAGAIN: [] } });
  });

  it('idle has no signal handler (as PID 1 it ignores SIGTERM); pause exits 0 on SIGTERM and runs as 65535', () => {
    expect(steps(registry.get('idle').cmd).some((s) => s.op === 'signal')).toBe(false);
    expect(steps(registry.get('idle').cmd).some((s) => s.op === 'exit')).toBe(false);
    const pause = registry.get('pause');
    expect(pause.user).toEqual({ uid: 65535, gid: 65535 });
    const [first] = pause.cmd;
    const term = first?.op === 'signal' ? first.handlers.SIGTERM : undefined;
    expect(Array.isArray(term) && term.at(-1)).toEqual({ op: 'exit', code: 0 });
  });

  it('every registry shares one frozen copy of each built-in image, as defineImage derives it, with the same ids', () => {
    const a = createImageRegistry();
    const b = createImageRegistry([{ ...tiny, name: 'web' }]);
    for (const name of BUILTIN_IMAGE_NAMES) {
      const image = a.get(name);
      expect(Object.isFrozen(image)).toBe(true);
      expect(image).toEqual(defineImage(builtinImageDefinitions()[name]));
      if (name !== 'web') expect(b.get(name)).toBe(image);
    }
    // Replacing a built-in in one registry leaves the others' as they were.
    expect(b.get('web').id).toBe(defineImage({ ...tiny, name: 'web' }).id);
    expect(a.get('web').id).toBe('sha256:7eff586f8246e572aedda96aa1463df420d032ecb841744beb99a7ef0ffac231');
    expect(createImageRegistry().get('web')).toBe(a.get('web'));
    expect(a.get('pause').layers[0]!.digest).toBe('sha256:b61dfaaecf4fd2a0add1507ef003d83c83246e56cfbb86224f41938fc2082f6a');
  });

  it('ids are the same in every registry (determinism)', () => {
    const ids = (r: ReturnType<typeof createImageRegistry>) => r.list().map((i) => i.id).join(',');
    expect(ids(createImageRegistry())).toBe(ids(createImageRegistry()));
    expect(new Set(createImageRegistry().list().map((i) => i.id)).size).toBe(BUILTIN_IMAGE_NAMES.length);
  });
});
