/**
 * The API version of this host-adapter: the `major.minor` an optional trainwire package
 * must have to be used with it. It moves with the package version (the packages are
 * released together, in one `fixed` changeset group).
 */
export const HOST_ADAPTER_API_VERSION = '0.1';

/**
 * Whether a package at `version` works with host-adapter API `apiVersion`. The rule, while
 * trainwire is on the 0.x line: the same major and minor (`0.1.0`, `0.1.7` and
 * `0.1.2-next.1` fit API `0.1`; `0.2.0` does not), since a 0.x minor may break. From 1.0
 * on: the same major, and a minor at least the API's. Anything that is not a version
 * (`1.x`, `latest`) does not fit.
 *
 * @example
 * ```ts
 * isCompatibleVersion('0.1.3'); // true with HOST_ADAPTER_API_VERSION '0.1'
 * isCompatibleVersion('0.2.0'); // false
 * ```
 */
export function isCompatibleVersion(
  version: string,
  apiVersion: string = HOST_ADAPTER_API_VERSION,
): boolean {
  const have = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+][0-9A-Za-z.+-]*)?$/.exec(version.trim());
  const want = /^(\d+)\.(\d+)$/.exec(apiVersion.trim());
  if (have === null || want === null) return false;
  const [major, minor] = [Number(have[1]), Number(have[2])];
  const [apiMajor, apiMinor] = [Number(want[1]), Number(want[2])];
  if (major !== apiMajor) return false;
  return apiMajor === 0 ? minor === apiMinor : minor >= apiMinor;
}
