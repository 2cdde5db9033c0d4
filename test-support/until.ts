/** Polls until probe gives a value; fails with explain() after timeoutMs. */
export async function until<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, explain: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(explain());
}
