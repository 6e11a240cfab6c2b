#!/usr/bin/env node
// softsae — the command line of SoftSAE Explorer.
//   softsae info FILE... [--tensor NAME] [--stats] [--shards] [--tokens FILE] [--vocab FILE]
//   softsae train --acts X.npy [--acts Y.npy …] --config cfg.json --out DIR [--tokens T] [--tensor NAME]
//                 [--memory-mib M] [--checkpoint-every N] [--eval-rows N] [--data-check yes]
//                 [--progress json] [--memory-report]
//     --eval-rows N: the final evaluation covers the first N rows, not every row.
//     --data-check yes: first serve one epoch of the training stream (no training) and print
//       its checksum (scripts/npy-epoch-checksum.py computes NumPy's).
//   softsae train --resume DIR
//   softsae sweep --acts X.npy [--acts …] --config base.json --k 8,16,32 [--arch softsae,topk,batchtopk] --out DIR
//   softsae sweep --resume DIR
//   softsae eval  --model FILE_OR_DIR --acts X.npy [--acts …] --out report.json [--batch N] [--memory-mib M] [--memory-report] [--codes C.safetensors [--tokens T [--vocab V]]]
//   softsae convert IN OUT --to softsae|saelens-topk [--k K] [--acts X.npy]
// `info` reads files in Node; `train` and `eval` run the WebGPU engine in headless Chromium
// (a software adapter where there is no GPU).
const command = process.argv[2];
if (command === 'info') await import('../scripts/softsae.mjs');
else if (['train', 'eval', 'sweep'].includes(command))
  await import('../scripts/softsae-engine.mjs');
else if (command === 'convert') await import('../scripts/softsae-convert.mjs');
else {
  console.error(
    [
      'usage:',
      '  softsae info FILE... [--tensor NAME] [--stats] [--shards] [--tokens FILE] [--vocab FILE]',
      '  softsae train --acts X.npy [--acts Y.npy …] --config cfg.json --out DIR [--tokens T] [--tensor NAME] [--memory-mib M] [--checkpoint-every N] [--eval-rows N] [--data-check yes] [--progress json] [--memory-report]',
      '  softsae train --resume DIR',
      '  softsae sweep --acts X.npy [--acts …] --config base.json --k 8,16,32 [--arch softsae,topk,batchtopk] --out DIR [--memory-mib M] [--checkpoint-every N] [--progress json]',
      '  softsae sweep --resume DIR',
      '  softsae eval --model FILE_OR_DIR --acts X.npy --out report.json [--batch N] [--memory-mib M] [--progress json] [--memory-report] [--codes C.safetensors [--tokens T [--vocab V]]]',
      '  softsae convert IN OUT --to softsae|saelens-topk [--k K] [--acts X.npy]',
    ].join('\n'),
  );
  process.exitCode = 2;
}
