/**
 * Uniform buffers whose layout is read from the WGSL struct itself, so host code never
 * hand-counts byte offsets. Only 4-byte scalars (u32, i32, f32) are supported: kernels keep their
 * uniforms flat, which makes the WGSL layout rule simple — each field at 4·index, and the struct
 * size rounded up to 16 bytes for the uniform address space.
 */

export type ScalarType = 'u32' | 'i32' | 'f32';

export interface UniformLayout {
  name: string;
  fields: { name: string; type: ScalarType; offset: number }[];
  /** Byte size of the buffer to allocate (multiple of 16). */
  size: number;
}

/** Parses `struct NAME { a: u32, b: f32, ... }` from WGSL source. */
export function parseUniformLayout(wgsl: string, structName: string): UniformLayout {
  const re = new RegExp(`struct\\s+${structName}\\s*\\{([^}]*)\\}`);
  const match = re.exec(wgsl);
  if (!match) throw new Error(`WGSL struct ${structName} not found`);
  const body = match[1].replace(/\/\/[^\n]*/g, '');
  const fields = body
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean)
    .map((decl, i) => {
      const m = /^(\w+)\s*:\s*([\w<>, ]+)$/.exec(decl);
      if (!m) throw new Error(`${structName}: unsupported field "${decl}"`);
      const type = m[2];
      if (type !== 'u32' && type !== 'i32' && type !== 'f32')
        throw new Error(`${structName}.${m[1]}: only 4-byte scalars are supported, got ${type}`);
      return { name: m[1], type, offset: 4 * i } as const;
    });
  const size = Math.max(16, Math.ceil((fields.length * 4) / 16) * 16);
  return { name: structName, fields, size };
}

/** Packs values by field name into the layout; missing or extra names are errors. */
export function packUniform(layout: UniformLayout, values: Record<string, number>): ArrayBuffer {
  const buf = new ArrayBuffer(layout.size);
  const view = new DataView(buf);
  for (const key of Object.keys(values)) {
    if (!layout.fields.some((f) => f.name === key))
      throw new Error(`${layout.name} has no field ${key}`);
  }
  for (const f of layout.fields) {
    const v = values[f.name];
    if (v === undefined) throw new Error(`${layout.name}.${f.name} not given`);
    if (f.type === 'f32') view.setFloat32(f.offset, v, true);
    else if (f.type === 'u32') view.setUint32(f.offset, v >>> 0, true);
    else view.setInt32(f.offset, v | 0, true);
  }
  return buf;
}

/** A uniform buffer bound to a WGSL struct. */
export class Uniform {
  readonly buffer: GPUBuffer;

  constructor(
    private readonly device: GPUDevice,
    readonly layout: UniformLayout,
    label: string,
  ) {
    this.buffer = device.createBuffer({
      label,
      size: layout.size,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  write(values: Record<string, number>): void {
    this.device.queue.writeBuffer(this.buffer, 0, packUniform(this.layout, values));
  }

  destroy(): void {
    this.buffer.destroy();
  }
}

/** Reads values by field name from bytes laid out as `layout` (e.g. a storage struct read back). */
export function unpackStruct(
  layout: UniformLayout,
  bytes: ArrayBuffer,
  byteOffset = 0,
): Record<string, number> {
  const view = new DataView(bytes, byteOffset);
  const out: Record<string, number> = {};
  for (const f of layout.fields) {
    if (f.type === 'f32') out[f.name] = view.getFloat32(f.offset, true);
    else if (f.type === 'u32') out[f.name] = view.getUint32(f.offset, true);
    else out[f.name] = view.getInt32(f.offset, true);
  }
  return out;
}
