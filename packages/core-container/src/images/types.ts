// Images: what `docker run IMAGE` starts from. An image is named `name:tag` (tag default `latest`)
// and carries its layers (sizes, read-only under the container's writable layer), its default
// entrypoint/cmd as programs of the workload language, env, working dir, exposed ports and user.
import type { Program, SignalName } from '@strata/shared-types';

/** One read-only layer of an image. */
export interface ImageLayer {
  /** `sha256:` + 64 hex digits. */
  readonly digest: string;
  readonly size: number;
}

export interface Image {
  /** `sha256:` + 64 hex digits, derived from the layers and config. */
  readonly id: string;
  /** Repository name without tag, such as `web` or `library/web`. */
  readonly name: string;
  readonly tag: string;
  readonly layers: readonly ImageLayer[];
  /** What the container's init runs when no command is given. */
  readonly cmd: Program;
  /** Named programs the image offers (a command may name one instead of giving steps). */
  readonly programs: Readonly<Record<string, Program>>;
  readonly env: Readonly<Record<string, string>>;
  readonly workingDir: string;
  /** `80/tcp` style. */
  readonly exposedPorts: readonly string[];
  readonly user: { readonly uid: number; readonly gid: number };
  readonly stopSignal: SignalName;
  readonly labels: Readonly<Record<string, string>>;
}

/** The images a host has; `pull` of an unknown reference fails as Docker does. */
export interface ImageRegistry {
  /** `name[:tag]` → the image; throws NotFoundError with Docker's message when absent. */
  get(ref: string): Image;
  has(ref: string): boolean;
  /** Add an image, or replace the one with its name and tag; throws ValidationError on a bad name, tag, id or layer. */
  add(image: ImageDefinition): Image;
  list(): Image[];
}

/**
 * An image as a caller describes it to `ImageRegistry.add` or `createImageRegistry`: layers may be
 * given as sizes (digests are then derived), the id is derived when absent, and omitted config takes
 * Docker's defaults (no programs, no env, `/`, no ports, root, SIGTERM, no labels). Every
 * `Omit<Image, 'id'>` is one.
 */
export interface ImageDefinition {
  readonly id?: string;
  readonly name: string;
  readonly tag?: string;
  readonly layers: readonly (ImageLayer | number)[];
  readonly cmd: Program;
  readonly programs?: Readonly<Record<string, Program>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly workingDir?: string;
  readonly exposedPorts?: readonly string[];
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly stopSignal?: SignalName;
  readonly labels?: Readonly<Record<string, string>>;
}
