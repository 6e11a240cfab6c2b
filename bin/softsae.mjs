#!/usr/bin/env node
// softsae — the command line of SoftSAE Explorer.
//   softsae info FILE... [--tensor NAME] [--stats] [--shards] [--tokens FILE] [--vocab FILE]
//   softsae train --acts X.npy --config cfg.json --out DIR [--tensor NAME]
//   softsae eval  --model FILE_OR_DIR --acts X.npy --out report.json [--tensor NAME] [--batch N]
// `info` reads files in Node; `train` and `eval` run the WebGPU engine in headless Chromium
// (a software adapter where there is no GPU).
const command = process.argv[2];
if (command === 'info') await import('../scripts/softsae.mjs');
else if (command === 'train' || command === 'eval') await import('../scripts/softsae-engine.mjs');
else {
  console.error(
    [
      'usage:',
      '  softsae info FILE... [--tensor NAME] [--stats] [--shards] [--tokens FILE] [--vocab FILE]',
      '  softsae train --acts X.npy --config cfg.json --out DIR [--tensor NAME]',
      '  softsae eval --model FILE_OR_DIR --acts X.npy --out report.json [--batch N]',
    ].join('\n'),
  );
  process.exitCode = 2;
}
