// Docker's words for an image that is not on the host. `docker create nosuch` (docker/cli
// cli/command/container/create.go) prints `Unable to find image 'nosuch:latest' locally` to stderr,
// tries to pull, and with no such repository on Docker Hub fails with the daemon's
// `pull access denied for nosuch, repository does not exist or may require 'docker login': denied:
// requested access to the resource is denied` (the registry's "denied" appended; seen verbatim in
// user reports). A simulated host has no registry, so every unknown image ends there.
import { NotFoundError } from '@strata/shared-types';
import { formatImageReference, type ImageReference } from './image-reference.js';

/** The lines Docker prints for an image that is not local, for one parsed reference. */
export interface ImageNotFoundTexts {
  /** stderr of `docker create`/`run` before pulling: `Unable to find image 'nosuch:latest' locally`. */
  readonly localNotice: string;
  /** The pull failure (after `Error response from daemon: `). */
  readonly pullError: string;
  /** `docker image inspect`/`rmi`: `No such image: nosuch:latest` (the text of older moby daemons, read; current wording unverified). */
  readonly noSuchImage: string;
}

/** Docker's texts for a missing image (`ref` already parsed). */
export function imageNotFoundTexts(ref: ImageReference): ImageNotFoundTexts {
  const familiar = formatImageReference(ref);
  return {
    localNotice: `Unable to find image '${familiar}' locally`,
    // The name is reference.FamiliarName (no tag). For registries other than Docker Hub a real pull fails
    // differently (DNS, TLS, 401); the simulator says the same as for Docker Hub (unverified there).
    pullError: `pull access denied for ${ref.name}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`,
    noSuchImage: `No such image: ${familiar}`,
  };
}

/**
 * An image the host does not have (`E_NOT_FOUND`, HTTP 404). The message is Docker's pull error,
 * what `docker create`/`run` ends with; `details` carries `reference`, `localNotice` and `noSuchImage`.
 */
export class ImageNotFoundError extends NotFoundError {
  readonly texts: ImageNotFoundTexts;

  constructor(ref: ImageReference) {
    const texts = imageNotFoundTexts(ref);
    super('image', formatImageReference(ref), { reference: formatImageReference(ref), ...texts });
    this.message = texts.pullError;
    this.texts = texts;
  }
}
