// The "browser executable" Playwright launches for a device: a shell script
// that enters the device's namespace and execs Chromium. Playwright talks to
// it over pipes, so the driver itself stays in the root namespace.
import { chmodSync, writeFileSync } from 'node:fs';
import { CHROMIUM_BIN } from './config.ts';

// Chromium keeps only the LAST --disable-features / --enable-features switch,
// and Playwright already passes its own list; merge every occurrence so ours
// do not silently drop Playwright's (or the other way round).
const SCRIPT = (ns: string): string => `#!/bin/sh
disable=""
enable=""
for arg do
  shift
  case "$arg" in
    --disable-features=*) disable="\${disable:+$disable,}\${arg#--disable-features=}" ;;
    --enable-features=*) enable="\${enable:+$enable,}\${arg#--enable-features=}" ;;
    *) set -- "$@" "$arg" ;;
  esac
done
[ -n "$disable" ] && set -- "$@" "--disable-features=$disable"
[ -n "$enable" ] && set -- "$@" "--enable-features=$enable"
exec ip netns exec '${ns}' ${CHROMIUM_BIN} "$@"
`;

export function writeChromiumWrapper(path: string, ns: string): void {
  writeFileSync(path, SCRIPT(ns));
  chmodSync(path, 0o755);
}
