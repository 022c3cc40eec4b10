// The host's images: built-ins plus added ones, looked up by Docker's reference rules (`web`,
// `web:latest`, `docker.io/library/web`, an id or a 12+ digit id prefix). Ids and layer digests are
// SHA-256 of a canonical description, so the same definitions give the same ids on every run.
import { SIGNAL_NUMBERS, ValidationError, type Program } from '@strata/shared-types';
import { builtinImageDefinitions } from './builtin-images.js';
import { ImageNotFoundError } from './image-errors.js';
import { DEFAULT_TAG, formatImageReference, parseImageReference, type ImageReference } from './image-reference.js';
import { sha256Hex } from './sha256.js';
import type { Image, ImageDefinition, ImageLayer, ImageRegistry } from './types.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const ID_PREFIX = /^(?:sha256:)?([0-9a-f]{12,64})$/;
/** The most images one registry holds. */
export const MAX_IMAGES = 10_000;
/** The most layers of one image (Docker's overlay2 limit is 128 lower directories). */
export const MAX_LAYERS = 128;
/** The largest layer, bytes (1 TiB). */
export const MAX_LAYER_BYTES = 2 ** 40;

/** JSON with object keys sorted, so equal descriptions hash equally whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** `sha256:` + the SHA-256 of `text`. */
export function sha256Digest(text: string): string {
  return `sha256:${sha256Hex(text)}`;
}

/** The digest of a layer given only by size: derived from the image's repository, the layer's place and size. */
export function layerDigest(repository: string, index: number, size: number): string {
  return sha256Digest(`strata-layer\0${repository}\0${index}\0${size}`);
}

function fail(message: string, field: string, input: unknown): never {
  throw new ValidationError(`invalid image: ${field}: ${message}`, { path: field, input: typeof input === 'string' || typeof input === 'number' ? input : String(input) });
}

/** A complete, frozen Image from a definition (defaults applied, digests and id derived); throws ValidationError. */
export function defineImage(def: ImageDefinition): Image {
  let ref: ImageReference;
  try {
    ref = parseImageReference(`${def.name}:${def.tag ?? DEFAULT_TAG}`);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return fail(`${error.message} (${JSON.stringify(`${def.name}:${def.tag ?? DEFAULT_TAG}`)})`, 'name', def.name);
  }
  if (def.layers.length === 0 || def.layers.length > MAX_LAYERS) fail(`expected 1 to ${MAX_LAYERS} layers, got ${def.layers.length}`, 'layers', def.layers.length);
  const layers: ImageLayer[] = def.layers.map((layer, i) => {
    const size = typeof layer === 'number' ? layer : layer.size;
    if (!Number.isSafeInteger(size) || size < 0 || size > MAX_LAYER_BYTES) fail(`expected a size of 0 to ${MAX_LAYER_BYTES} bytes, got ${size}`, `layers[${i}]`, size);
    const digest = typeof layer === 'number' ? layerDigest(ref.name, i, size) : layer.digest;
    if (!DIGEST.test(digest)) fail('expected a digest "sha256:" + 64 lowercase hex digits', `layers[${i}].digest`, digest);
    return Object.freeze({ digest, size });
  });
  const stopSignal = def.stopSignal ?? 'SIGTERM';
  if (!Object.hasOwn(SIGNAL_NUMBERS, stopSignal)) fail(`unknown signal ${stopSignal}`, 'stopSignal', stopSignal);
  const workingDir = def.workingDir ?? '/';
  if (!workingDir.startsWith('/')) fail(`the working directory '${workingDir}' is invalid, it needs to be an absolute path`, 'workingDir', workingDir);
  const config = {
    cmd: def.cmd,
    programs: def.programs ?? {},
    env: def.env ?? {},
    workingDir,
    exposedPorts: [...(def.exposedPorts ?? [])],
    user: def.user ?? { uid: 0, gid: 0 },
    stopSignal,
    labels: def.labels ?? {},
  };
  // Like Docker's image id (the digest of the image config, which lists the layers' diff ids).
  const id = def.id ?? sha256Digest(canonical({ rootfs: layers.map((l) => l.digest), config }));
  if (!DIGEST.test(id)) fail('expected an id "sha256:" + 64 lowercase hex digits', 'id', id);
  return Object.freeze({ id, name: ref.name, tag: ref.tag, layers: Object.freeze(layers), ...config, exposedPorts: Object.freeze(config.exposedPorts) });
}

let builtins: readonly Image[] | undefined;

/** The built-in images, defined (their digests and ids hashed) once per process: every registry shares these frozen objects. */
function builtinImages(): readonly Image[] {
  builtins ??= Object.freeze(Object.values(builtinImageDefinitions()).map(defineImage));
  return builtins;
}

/** Options of `createImageRegistry`. */
export interface ImageRegistryOptions {
  /** Start with the built-in images (`web`, `batch`, `memhog`, `forker`, `idle`, `crasher`, `pause`); default true. */
  readonly builtins?: boolean;
}

/**
 * The images of one host: the built-ins (unless `builtins: false`) then `images`, each replacing an
 * earlier one of the same name and tag. `get` accepts what `docker run` accepts: a reference
 * (`web`, `web:latest`, `docker.io/library/web:latest`), a full id, or an id prefix of 12 or more
 * hex digits; an unknown image throws `ImageNotFoundError` with Docker's pull error, a malformed
 * reference `ValidationError` (`invalid reference format`). `list` is in order of addition.
 */
export function createImageRegistry(images: readonly ImageDefinition[] = [], options: ImageRegistryOptions = {}): ImageRegistry {
  const byRef = new Map<string, Image>();
  const put = (image: Image): Image => {
    const key = `${image.name}:${image.tag}`;
    if (!byRef.has(key) && byRef.size >= MAX_IMAGES) throw new ValidationError(`invalid image: a registry holds at most ${MAX_IMAGES} images`, { limit: MAX_IMAGES });
    byRef.delete(key); // a replaced tag moves to the end, as a newly pulled image lists first in Docker
    byRef.set(key, image);
    return image;
  };
  const add = (def: ImageDefinition): Image => put(defineImage(def));
  if (options.builtins !== false) for (const image of builtinImages()) put(image);
  for (const def of images) add(def);

  const find = (ref: string): Image | ImageReference => {
    const idMatch = ID_PREFIX.exec(ref);
    if (idMatch !== null) {
      const hex = idMatch[1]!;
      const hits = [...byRef.values()].filter((image) => image.id.slice('sha256:'.length).startsWith(hex));
      const [first] = hits;
      if (first !== undefined && hits.every((h) => h.id === first.id)) return first;
    }
    const parsed = parseImageReference(ref);
    if (parsed.digest !== undefined) {
      // A digest pins content; the simulator's digests are image ids.
      const image = [...byRef.values()].find((i) => i.name === parsed.name && i.id === parsed.digest && (parsed.tag === '' || i.tag === parsed.tag));
      return image ?? parsed;
    }
    return byRef.get(`${parsed.name}:${parsed.tag}`) ?? parsed;
  };

  return {
    get(ref: string): Image {
      const found = find(ref);
      if ('id' in found) return found;
      throw new ImageNotFoundError(found);
    },
    has(ref: string): boolean {
      try {
        return 'id' in find(ref);
      } catch (error) {
        if (error instanceof ValidationError) return false;
        throw error;
      }
    },
    add,
    list(): Image[] {
      return [...byRef.values()];
    },
  };
}

/** `name:tag` of an image, as `docker image ls` shows REPOSITORY and TAG. */
export function imageRef(image: Pick<Image, 'name' | 'tag'>): string {
  return formatImageReference({ domain: '', path: image.name, name: image.name, tag: image.tag });
}

/** The program an image runs for `command` (a program, a name of one of its programs, or none: its cmd); undefined when the name is unknown. */
export function resolveImageCommand(image: Image, command?: Program | string): Program | undefined {
  if (command === undefined) return image.cmd;
  if (typeof command !== 'string') return command;
  return Object.hasOwn(image.programs, command) ? image.programs[command] : undefined;
}
