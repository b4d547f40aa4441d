#!/usr/bin/env node
// `meshdrop` as installed by npm (`npx meshdrop`, `npm run cli`). The command is written in TypeScript and
// runs on Node's own type stripping (Node >= 22.18), like `npm start`; an older Node gets a plain message
// rather than a syntax error. Under npm (npx, npm run) the project's own Node 24 comes first on PATH.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `meshdrop: needs Node 22.18 or newer (this is ${process.version}). Run it as \`npx meshdrop\` in the ` +
      'project, which uses the Node it installs, or install a newer Node.\n',
  );
  process.exit(70);
}
const { main } = await import('../src/main.ts');
// node-datachannel's threads would keep the process alive once the command is over
process.exit(await main(process.argv));
