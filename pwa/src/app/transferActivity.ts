// Whether a transfer is running, so an app update never reloads the page in the middle of one.
// The transfer engine installs its own probe; until then nothing is ever running.
let probe: () => boolean = () => false;

export function setTransferActivityProbe(next: () => boolean): void {
  probe = next;
}

export function isTransferActive(): boolean {
  return probe();
}
