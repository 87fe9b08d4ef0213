/** A mistake in how the command was called, or an input that cannot be read: exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
