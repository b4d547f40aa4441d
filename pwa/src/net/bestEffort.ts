// The catch for work the page can do without (a cache, a convenience record): it goes on, and the
// console says what was not kept, so a failure is never silent.
export function bestEffort(what: string): (error: unknown) => undefined {
  return (error) => {
    console.warn(`not done: ${what}`, error);
    return undefined;
  };
}
