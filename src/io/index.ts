/**
 * File formats of SoftSAE Explorer: activation arrays (.npy, .npz, .safetensors, shards),
 * statistics for normalisation, and token files. Pure TypeScript — no DOM, no GPU — so it runs
 * in the ingestion worker and in Node tests alike.
 */
export { alignTokens } from './align.ts';
export type { AlignedTokens, RowsShape } from './align.ts';
export type { ArrayReader, DatasetSource, RawBlock, TensorHeader } from './dataset.ts';
export { ITEM_SIZE, decodeToFloat32, halfToFloatBits, scanNonFinite } from './dtype.ts';
export type { DType, NonFiniteScan } from './dtype.ts';
export { IoError } from './errors.ts';
export { gatherRows } from './gather.ts';
export type { GatherOptions } from './gather.ts';
export { MAX_LINE_BYTES, readLines } from './lines.ts';
export { MAX_NPY_HEADER, openNpy, readNpyHeader } from './npy.ts';
export { writeNpy } from './npy-write.ts';
export type { NpyWriteOptions } from './npy-write.ts';
export { openNpz } from './npz.ts';
export type { NpzFile, NpzMember, NpzOptions } from './npz.ts';
export { openActivations } from './open.ts';
export { readAhead, readRanges } from './read-ahead.ts';
export type { ReadAheadOptions, RowChunk } from './read-ahead.ts';
export { MAX_SAFETENSORS_HEADER, openSafetensors } from './safetensors.ts';
export type { SafetensorsFile, SafetensorsTensor } from './safetensors.ts';
export { writeSafetensors } from './safetensors-write.ts';
export type { TensorToWrite } from './safetensors-write.ts';
export { DEFAULT_SAMPLER_MEMORY, RowSampler } from './sampler.ts';
export type { SampledBatch, SamplerOptions } from './sampler.ts';
export { concatShards } from './shards.ts';
export { blobSource, bytesSource, subSource } from './source.ts';
export { httpSource } from './http.ts';
export type { BlobLike, ByteSource } from './source.ts';
export { DEFAULT_CHUNK_BYTES, computeStats } from './stats.ts';
export type { DatasetStats, StatsOptions, StatsProgress } from './stats.ts';
export { MAX_JSON_TOKEN_FILE, loadTokens, loadVocab } from './tokens.ts';
export type { TokenOptions, TokenTable } from './tokens.ts';
export { visibleToken } from './visible.ts';
