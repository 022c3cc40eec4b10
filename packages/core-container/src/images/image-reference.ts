// Image references as Docker reads them (distribution/reference's grammar and normalization):
// `name`, `name:tag`, `ns/name:tag`, `registry.example:5000/ns/name:tag`, `name@sha256:…`; the tag
// defaults to `latest`; Docker Hub's `docker.io/library/` prefix is dropped from the familiar name.
import { ValidationError } from '@strata/shared-types';

/** A parsed image reference. */
export interface ImageReference {
  /** The registry host (`docker.io` when none is written). */
  readonly domain: string;
  /** The repository path on the registry (`library/web`, `team/app`). */
  readonly path: string;
  /** The name Docker shows (`web`, `team/app`, `registry.local:5000/team/app`). */
  readonly name: string;
  /** The tag: `latest` when none is written, `''` when only a digest is (Docker adds no tag then). */
  readonly tag: string;
  /** `sha256:` + 64 hex, when the reference pins a digest. */
  readonly digest?: string;
}

/** distribution/reference: NameTotalLengthMax. */
export const MAX_REPOSITORY_NAME_LENGTH = 255;
/** The tag Docker adds when none is written. */
export const DEFAULT_TAG = 'latest';
const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';

// distribution/reference regexp.go (v0.6): path-component, domain, tag, digest.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** distribution/reference's errors: `invalid reference format` and its kin (texts read in distribution/reference reference.go). */
function invalid(ref: string, reason = 'invalid reference format'): ValidationError {
  return new ValidationError(reason, { input: ref, accepted: ['name', 'name:tag', 'namespace/name:tag', 'registry.example:5000/namespace/name:tag', 'name@sha256:<64 hex>'] });
}

/**
 * Parse an image reference as `docker run`/`docker pull` do (ParseNormalizedNamed, then TagNameOnly).
 * Throws `ValidationError` with distribution/reference's message: `invalid reference format`,
 * `invalid reference format: repository name (library/Web) must be lowercase` (this longer text is
 * from memory of distribution/reference normalize.go, unverified), `repository name must not be more
 * than 255 characters`.
 */
export function parseImageReference(ref: string): ImageReference {
  if (ref.length === 0 || ref.length > 1024) throw invalid(ref);
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(ref);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!TAG.test(tag)) throw invalid(ref);
  }
  // normalize.go splitDockerDomain: the first component is a domain when it has "." or ":",
  // is "localhost", or has an uppercase letter.
  const slash = rest.indexOf('/');
  let domain = DEFAULT_DOMAIN;
  let path = rest;
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first) {
      domain = first;
      path = rest.slice(slash + 1);
      if (!DOMAIN.test(domain)) throw invalid(ref);
    }
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  if (path.toLowerCase() !== path && path.split('/').every((c) => PATH_COMPONENT.test(c.toLowerCase()))) {
    throw invalid(ref, `invalid reference format: repository name (${path}) must be lowercase`);
  }
  if (!path.split('/').every((c) => PATH_COMPONENT.test(c))) throw invalid(ref);
  const full = domain === DEFAULT_DOMAIN ? path : `${domain}/${path}`;
  if (full.length > MAX_REPOSITORY_NAME_LENGTH) throw invalid(ref, `repository name must not be more than ${MAX_REPOSITORY_NAME_LENGTH} characters`);
  const name = domain !== DEFAULT_DOMAIN ? `${domain}/${path}` : path.startsWith(OFFICIAL_PREFIX) ? path.slice(OFFICIAL_PREFIX.length) : path;
  return { domain, path, name, tag: tag ?? (digest === undefined ? DEFAULT_TAG : ''), ...(digest === undefined ? {} : { digest }) };
}

/** Docker's familiar string of a reference: `web:latest`, `team/app:v1`, `web@sha256:…` (FamiliarString after TagNameOnly). */
export function formatImageReference(ref: ImageReference): string {
  const tag = ref.tag === '' ? '' : `:${ref.tag}`;
  return `${ref.name}${tag}${ref.digest === undefined ? '' : `@${ref.digest}`}`;
}
